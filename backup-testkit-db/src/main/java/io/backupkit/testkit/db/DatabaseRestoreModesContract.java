package io.backupkit.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The fidelity contract plus what the restore modes promise with the engine's objects, for an engine's own fixture
 * (one with triggers and foreign keys): DATA_ONLY into a database with a trigger that would fire loads the rows
 * without firing it and puts the triggers back; REPLACE removes a trigger the backup lacks on a backed-up table; a
 * selective restore of a parent table keeps every foreign key and object of the tables it leaves alone; one that
 * would orphan their rows fails before any change, naming the constraint and a row. The subclass supplies the SQL.
 */
public abstract class DatabaseRestoreModesContract extends DatabaseFidelityContract {

    /** A trigger on a fixture table that fails every insert (fired by a DATA_ONLY load, it would fail the load). */
    protected abstract String refusingTrigger();

    /** A trigger the fixture lacks, on one of its tables. */
    protected abstract String extraTrigger();

    /** The parent table a selective restore restores ({@link TableSelection#include} text); other tables reference it. */
    protected abstract String parentTable();

    /** Statements that change only rows of {@link #parentTable()} (no trigger of another table fires). */
    protected abstract List<String> changeParentRows();

    /**
     * Statements adding a parent row the backup lacks and a row of another table referencing it, and the texts the
     * refusal names: the constraint and the row.
     */
    protected abstract List<String> addOrphanCandidate();

    protected abstract List<String> orphanRefusalNames();

    /** Rows of the database that break a foreign key, for engines that can list them; none by default. */
    protected List<String> foreignKeyViolations(DataSource db) throws Exception {
        return List.of();
    }

    @Test
    void dataOnlyIntoADatabaseWithATriggerThatWouldFireLoadsTheRowsWithoutFiringIt() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);
        DataSource target = newDatabase();
        backup.restore(newDumper(), target, RestoreMode.REPLACE);
        TestSql.execute(target, List.of(refusingTrigger()));
        String schemaBefore = schemaDump(target);

        backup.restore(newDumper(), target, RestoreMode.DATA_ONLY, TableSelection.ALL, Map.of(), parallelism());

        assertThat(contentDigests(target)).as("rows, none added by the fixture's own triggers either")
                .isEqualTo(contentDigests(source));
        assertThat(schemaDump(target)).as("the triggers are back after the load").isEqualTo(schemaBefore);
    }

    @Test
    void replaceRemovesATriggerTheBackupLacksOnABackedUpTable() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);
        String before = schemaDump(source);
        TestSql.execute(source, List.of(extraTrigger()));

        backup.restore(newDumper(), source, RestoreMode.REPLACE);

        assertThat(schemaDump(source)).isEqualTo(before);
    }

    @Test
    void selectiveRestoreOfOneTableKeepsTheForeignKeysAndObjectsOfTheOthers() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUpThenChange(source, changeParentRows());
        String before = schemaDump(source);

        replaceParentTable(backup, source);

        assertThat(schemaDump(source)).isEqualTo(before);
        DataSource copy = newDatabase();
        backup.restore(newDumper(), copy, RestoreMode.REPLACE);
        assertThat(contentDigests(source)).isEqualTo(contentDigests(copy));
        assertThat(foreignKeyViolations(source)).isEmpty();
    }

    @Test
    void aSelectiveRestoreThatWouldOrphanRowsFailsBeforeAnyChangeNamingTheConstraintAndARow() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUpThenChange(source, addOrphanCandidate());
        String schemaBefore = schemaDump(source);
        Map<String, String> contentBefore = contentDigests(source);

        assertThatThrownBy(() -> replaceParentTable(backup, source))
                .satisfies(e -> assertThat(e.getMessage()).contains(orphanRefusalNames()).contains("Nothing was changed"));

        assertThat(schemaDump(source)).isEqualTo(schemaBefore);
        assertThat(contentDigests(source)).isEqualTo(contentBefore);
    }

    /** Backs the fixture up, then runs {@code change} on it, so that the database no longer is the backup. */
    private DirectoryBackup backUpThenChange(DataSource source, List<String> change) throws Exception {
        DirectoryBackup backup = backUp(source);
        TestSql.execute(source, change);
        return backup;
    }

    /** A REPLACE of only {@link #parentTable()}. */
    private void replaceParentTable(DirectoryBackup backup, DataSource db) {
        backup.restore(newDumper(), db, RestoreMode.REPLACE, TableSelection.include(parentTable()), Map.of(),
                parallelism());
    }
}
