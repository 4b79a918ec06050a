package io.backupkit.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fidelity contract every database dumper passes, next to the storage contract: a database restored from a
 * backup is the same database. A fixture (one per engine, and one per public sample database) creates objects of
 * every kind the engine has, with dependencies across kinds and rows in every table; the contract backs it up,
 * restores it into a fresh database and compares <b>the engine's own schema dump</b> of source and target
 * (PostgreSQL {@code pg_dump --schema-only}, MariaDB {@code mariadb-dump --no-data --routines --triggers --events},
 * SQLite {@code sqlite_master} + {@code sqlite_sequence} + pragmas, H2 {@code SCRIPT NODATA}) and the content of
 * every table and large object.
 *
 * <p>A subclass supplies the dumper, fresh databases, the fixture, the schema dump and the content digests; the
 * tests here are the same for every engine. {@link DatabaseRestoreModesContract} adds the restore modes with
 * triggers and foreign keys for an engine's own fixture; engine-specific checks (failure half-way, ...) belong in
 * the subclass, beside these.
 */
public abstract class DatabaseFidelityContract {

    @TempDir
    protected Path tempDir;

    /** A new dumper for the engine under test (each call a fresh one). */
    protected abstract DatabaseDumper newDumper();

    /** A new, empty database on the engine under test; a distinct one each call. */
    protected abstract DataSource newDatabase() throws Exception;

    /** Creates the fixture's objects and rows in an empty database. */
    protected abstract void createFixture(DataSource db) throws Exception;

    /**
     * The engine's own schema dump of the database, normalised only where the engine's dump necessarily differs
     * between two databases holding the same schema (e.g. PostgreSQL comment and {@code SET} lines, the database
     * name). Two databases with the same objects give equal strings.
     */
    protected abstract String schemaDump(DataSource db) throws Exception;

    /** Per table (and per large object) a digest of its whole content, keyed by qualified name. */
    protected abstract Map<String, String> contentDigests(DataSource db) throws Exception;

    /**
     * Whether the backup may report this entry of {@link DumpSummary#outsideBackup()} (server-level objects such as
     * roles and tablespaces); by default nothing is.
     */
    protected boolean mayBeOutsideBackup(String entry) {
        return false;
    }

    /** Parallelism of dump and restore; engines with a parallel path run it. */
    protected int parallelism() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** A source database with the fixture in it, created once per test. */
    protected DataSource fixture() throws Exception {
        DataSource source = newDatabase();
        createFixture(source);
        return source;
    }

    /** Backs up the source into a directory under {@link #tempDir}. */
    protected DirectoryBackup backUp(DataSource source) throws Exception {
        DirectoryBackup backup = new DirectoryBackup(Files.createTempDirectory(tempDir, "backup"));
        backup.dump(newDumper(), source, TableSelection.ALL, parallelism());
        return backup;
    }

    @Test
    void backupCapturesEveryObjectOfTheFixture() throws Exception {
        DumpSummary summary = backUp(fixture()).summary();

        assertThat(summary.notCaptured()).as("objects the dumper could not capture").isEmpty();
        assertThat(summary.outsideBackup()).as("server-level objects").allMatch(this::mayBeOutsideBackup);
        assertThat(summary.tables()).as("tables with rows").isNotEmpty();
    }

    @Test
    void restoreIntoAFreshDatabaseGivesTheSameSchemaDumpAndContent() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);

        DataSource target = replaceAll(backup, newDatabase());

        assertThat(schemaDump(target)).as("schema dump of the restored database").isEqualTo(schemaDump(source));
        assertThat(contentDigests(target)).as("content of every table").isEqualTo(contentDigests(source));
    }

    @Test
    void restoringTheSameBackupTwiceWithReplaceGivesTheSameDatabaseBothTimes() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);

        DataSource target = replaceAll(backup, newDatabase());
        String first = schemaDump(target);
        replaceAll(backup, target);

        assertThat(schemaDump(target)).as("schema dump after the second REPLACE").isEqualTo(first)
                .isEqualTo(schemaDump(source));
        assertThat(contentDigests(target)).isEqualTo(contentDigests(source));
    }

    @Test
    void aRestoreOverTheSourceItselfGivesItBackUnchanged() throws Exception {
        DataSource source = fixture();
        String schemaBefore = schemaDump(source);
        Map<String, String> contentBefore = contentDigests(source);
        DirectoryBackup backup = backUp(source);

        replaceAll(backup, source);

        assertThat(schemaDump(source)).isEqualTo(schemaBefore);
        assertThat(contentDigests(source)).isEqualTo(contentBefore);
    }

    /** A REPLACE of the whole backup with the contract's parallelism; the target. */
    private DataSource replaceAll(DirectoryBackup backup, DataSource target) {
        backup.restore(newDumper(), target, RestoreMode.REPLACE, TableSelection.ALL, Map.of(), parallelism());
        return target;
    }

    /** Lines of a dump, for subclasses that normalise line by line. */
    protected static List<String> lines(String dump) {
        return dump.lines().toList();
    }
}
