package io.backupkit.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupType;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.SampleApplication;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The engine end to end through one storage provider, the same for every provider: a FULL backup of a SQLite shop
 * database with foreign keys and a nested media tree ({@link SampleApplication}); list, verify, export, import into
 * a second location, restore after the application changed both, with every row and every file compared; and a
 * retention clean-up that removes exactly the backups the plan names, objects and all, after a dry run that
 * removes nothing.
 *
 * <p>A provider's test extends it and supplies fresh locations of its storage, the engine over one (built with
 * backup-core's {@code BackupKit}, which the test kit cannot depend on: backup-core's own tests use the test kit),
 * and what the backend holds, read from the backend itself and not through the provider, so the checks see the
 * real objects.
 */
public abstract class EngineRoundTripContract {
    private static final long SEED = 5;

    @TempDir
    protected Path tmp;

    /** The application's database: {@link SampleApplication}'s shop, created before each test. */
    protected DataSource database;

    /** The application's media directory: {@link SampleApplication}'s nested files, created before each test. */
    protected Path media;

    /**
     * A new, empty location of the storage under test (a bucket or a key prefix, a folder), a distinct one each call;
     * the name may be part of it. The test closes it.
     */
    protected abstract StorageProvider newStorage(String name) throws Exception;

    /** An engine over the storage that backs up the database and the media directory, on the clock. */
    protected abstract BackupEngine engine(StorageProvider storage, DataSource database, Path media, Clock clock);

    /** An engine over the storage with no database and no files: it only holds the backups it imports. */
    protected abstract BackupEngine storageOnlyEngine(StorageProvider storage);

    /** Every object path the backend holds for the storage, relative to its root, read from the backend. */
    protected abstract List<String> storedPaths(StorageProvider storage) throws Exception;

    /**
     * Fails if the backend holds anything unfinished for the storage (open multipart uploads, upload sessions) or,
     * where it can tell, if a request failed and was retried; called at the end of every test. Checks nothing by
     * default.
     */
    protected void assertNothingLeftOpen(StorageProvider storage) throws Exception {
    }

    @BeforeEach
    void createApplication() {
        database = sqlite(tmp.resolve("shop.db"));
        SampleApplication.createDatabase(database, SEED);
        media = tmp.resolve("media");
        SampleApplication.createMedia(media, 40, SEED);
    }

    @Test
    void fullBackupListsVerifiesExportsImportsAndRestoresEveryRowAndFile() throws Exception {
        Map<String, List<String>> rowsAtBackup = contents(database);
        assertThat(rowsAtBackup.get("order_items foreign keys")).hasSize(2);
        Map<String, String> filesAtBackup = SampleApplication.snapshot(media);
        long rowCount = SampleApplication.rowCount(database);

        try (StorageProvider storage = newStorage("shop");
             BackupEngine engine = engine(storage, database, media, Clock.systemUTC());
             StorageProvider otherStorage = newStorage("copies");
             BackupEngine other = storageOnlyEngine(otherStorage)) {

            Manifest manifest = engine.backup(BackupType.FULL).manifest();
            BackupId id = manifest.id();
            assertThat(manifest.database()).hasValueSatisfying(part -> {
                assertThat(part.tables()).extracting(Manifest.TableEntry::name)
                        .containsExactlyInAnyOrderElementsOf(SampleApplication.TABLES);
                assertThat(part.totalRows()).isEqualTo(rowCount);
            });
            assertThat(manifest.files()).hasValueSatisfying(part ->
                    assertThat(part.totalBytes()).isEqualTo(SampleApplication.regularFileBytes(media)));

            assertThat(engine.list()).singleElement().satisfies(info -> {
                assertThat(info.id()).isEqualTo(id);
                assertThat(info.type()).isEqualTo(BackupType.FULL);
                assertThat(info.tables()).isEqualTo(SampleApplication.TABLES.size());
                assertThat(info.rows()).isEqualTo(rowCount);
            });
            // Ordinary objects in the backend: the manifest and every object it lists.
            assertThat(storedPaths(storage, id))
                    .contains("manifest.json")
                    .containsAll(manifest.objects().stream().map(Manifest.StoredObject::path).toList());

            VerifyReport verified = engine.verify(id);
            assertThat(verified.problems()).isEmpty();
            assertThat(verified.ok()).isTrue();
            assertThat(verified.objects()).hasSize(manifest.objects().size());

            Path exported = tmp.resolve("export.tar");
            engine.exportBackup(id, exported);
            assertThat(other.list()).isEmpty();
            assertThat(other.importBackup(exported).id()).isEqualTo(id);
            assertThat(other.list()).extracting(BackupInfo::id).containsExactly(id);
            assertThat(other.verify(id).ok()).isTrue();
            assertThat(storedPaths(otherStorage, id)).contains("manifest.json");

            SampleApplication.changeDatabase(database);
            SampleApplication.changeMedia(media);
            assertThat(contents(database)).isNotEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(media)).isNotEqualTo(filesAtBackup);

            RestoreResult restored = engine.restore(RestoreRequest.of(id));
            assertThat(contents(database)).isEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(media)).isEqualTo(filesAtBackup);
            assertThat(restored.safetyBackup()).hasValueSatisfying(safety ->
                    assertThat(engine.list()).extracting(BackupInfo::id).contains(safety, id));

            // The imported copy restores on its own, into an empty database and an empty directory.
            DataSource fresh = sqlite(tmp.resolve("fresh.db"));
            Path freshMedia = tmp.resolve("fresh-media");
            other.restore(RestoreRequest.builder(id).targetDataSource(fresh).filesTarget(freshMedia).build());
            assertThat(contents(fresh)).isEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(freshMedia)).isEqualTo(filesAtBackup);
            assertNothingLeftOpen(storage);
            assertNothingLeftOpen(otherStorage);
        }
    }

    @Test
    void retentionDryRunDeletesNothingAndCleanUpRemovesExactlyTheOldBackups() throws Exception {
        StepClock clock = new StepClock(Instant.parse("2026-03-01T03:00:00Z"));
        try (StorageProvider storage = newStorage("retention");
             BackupEngine engine = engine(storage, database, media, clock)) {
            List<BackupId> ids = new ArrayList<>(); // oldest first
            for (int day = 0; day < 4; day++) {
                SampleApplication.execute(database,
                        "INSERT INTO customers VALUES (" + (2000 + day) + ", 'day " + day + "', NULL, NULL)");
                ids.add(engine.backup(BackupType.FULL).id());
                clock.advance(Duration.ofDays(1));
            }
            List<BackupId> kept = List.of(ids.get(3), ids.get(2));
            List<BackupId> deleted = List.of(ids.get(1), ids.get(0));
            List<String> objectsBefore = storedPaths(storage);
            for (BackupId id : ids) {
                assertThat(storedPaths(storage, id)).contains("manifest.json");
            }
            RetentionRules keepLastTwo = RetentionRules.of(RetentionPolicy.builder().keepLast(2).build());

            RetentionPlan plan = engine.planRetention(keepLastTwo);
            assertThat(plan.keepIds()).containsExactlyInAnyOrderElementsOf(kept);
            assertThat(plan.deleteIds()).containsExactlyElementsOf(deleted);
            assertThat(plan.bytesToFree()).isPositive();
            assertThat(engine.list()).extracting(BackupInfo::id)
                    .containsExactly(ids.get(3), ids.get(2), ids.get(1), ids.get(0));
            assertThat(storedPaths(storage)).as("objects after the dry run").isEqualTo(objectsBefore);

            CleanupResult cleaned = engine.cleanup(keepLastTwo);
            assertThat(cleaned.backups())
                    .containsExactlyInAnyOrderElementsOf(deleted.stream().map(BackupId::value).toList());
            assertThat(cleaned.bytesFreed()).isEqualTo(plan.bytesToFree());
            assertThat(engine.list()).extracting(BackupInfo::id).containsExactlyElementsOf(kept);
            for (BackupId id : deleted) {
                assertThat(storedPaths(storage, id)).as("objects of deleted backup " + id).isEmpty();
            }
            for (BackupId id : kept) {
                assertThat(storedPaths(storage, id)).contains("manifest.json");
                assertThat(engine.verify(id).ok()).isTrue();
            }
            // A second clean-up has nothing left to do.
            assertThat(engine.planRetention(keepLastTwo).deletesNothing()).isTrue();
            assertNothingLeftOpen(storage);
        }
    }

    /** The objects the backend holds for one backup, relative to the backup's folder. */
    protected List<String> storedPaths(StorageProvider storage, BackupId id) throws Exception {
        String folder = "backups/" + id.value() + "/";
        return storedPaths(storage).stream().filter(p -> p.startsWith(folder))
                .map(p -> p.substring(folder.length())).toList();
    }

    /** A SQLite database file with foreign keys enforced. */
    protected static DataSource sqlite(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    /** Every table's rows in canonical, sorted form, and its foreign keys. */
    protected static Map<String, List<String>> contents(DataSource db) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (String table : SampleApplication.TABLES) {
            tables.put(table, DatabaseContents.rows(db, table));
            tables.put(table + " foreign keys",
                    DatabaseContents.rows(db, "pragma_foreign_key_list('" + table + "')"));
        }
        return tables;
    }

    /** A clock the test moves by hand, so that backups are days apart. */
    private static final class StepClock extends Clock {
        private volatile Instant now;

        StepClock(Instant start) {
            now = start;
        }

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("StepClock is UTC only");
        }
    }
}
