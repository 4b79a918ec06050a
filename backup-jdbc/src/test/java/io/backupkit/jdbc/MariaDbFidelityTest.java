package io.backupkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.testkit.db.DatabaseFidelityContract;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.MariaDbFixture;
import io.backupkit.testkit.db.MariaDbSchemaDump;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** MariaDB 10.11 through the fidelity contract with {@link MariaDbFixture}, compared by {@link MariaDbSchemaDump}. */
class MariaDbFidelityTest extends DatabaseFidelityContract {

    @Override
    protected DatabaseDumper newDumper() {
        return new MariaDbDumper();
    }

    @Override
    protected DataSource newDatabase() {
        return MariaDbSchemaDump.newDatabase();
    }

    @Override
    protected void createFixture(DataSource db) throws Exception {
        MariaDbSchemaDump.execute(db, MariaDbFixture.STATEMENTS);
    }

    @Override
    protected String schemaDump(DataSource db) throws Exception {
        return MariaDbSchemaDump.schemaDump(db);
    }

    @Override
    protected Map<String, String> contentDigests(DataSource db) throws Exception {
        return MariaDbSchemaDump.contentDigests(db);
    }

    @Override
    protected boolean mayBeOutsideBackup(String entry) {
        return entry.startsWith("user ") || entry.startsWith("server setting event_scheduler");
    }

    @Test
    void theBackupNamesTheServerLevelObjectsTheDatabaseReferences() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);
        String db = MariaDbSchemaDump.name(source);

        assertThat(backup.summary().outsideBackup()).anyMatch(e -> e.startsWith("user 'root'@") && e.contains("definer of view "
                + db + ".big_customers") && e.contains("definer of trigger " + db + ".orders_bi"));
        assertThat(backup.summary().outsideBackup()).anyMatch(e -> e.startsWith("server setting event_scheduler")
                && e.contains(db + ".yearly"));
        assertThat(backup.summary().warnings()).noneMatch(w -> w.contains("not captured"));
    }

    @Test
    void aSystemVersionedTableIsReportedAsNotCapturedNamingIt() throws Exception {
        DataSource source = newDatabase();
        MariaDbSchemaDump.execute(source, List.of("CREATE TABLE prices (id INT PRIMARY KEY, p INT) WITH SYSTEM VERSIONING",
                "INSERT INTO prices VALUES (1, 10)", "UPDATE prices SET p = 11"));
        DirectoryBackup backup = backUp(source);

        assertThat(backup.summary().notCaptured()).containsExactly("history of system-versioned table "
                + MariaDbSchemaDump.name(source) + ".prices: only its current rows are captured");
    }

    @Test
    void dataOnlyIntoADatabaseWithATriggerThatWouldFireLoadsTheRowsWithoutFiringIt() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);
        DataSource target = newDatabase();
        backup.restore(newDumper(), target, RestoreMode.REPLACE);
        MariaDbSchemaDump.execute(target, List.of("CREATE TRIGGER refuse BEFORE INSERT ON audit FOR EACH ROW "
                + "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the trigger fired'"));
        String schemaBefore = schemaDump(target);

        backup.restore(newDumper(), target, RestoreMode.DATA_ONLY, TableSelection.ALL, Map.of(), 2);

        assertThat(contentDigests(target)).isEqualTo(contentDigests(source)); // customers_ai added no log rows either
        assertThat(schemaDump(target)).as("the triggers are back after the load").isEqualTo(schemaBefore);
    }

    @Test
    void selectiveRestoreOfOneTableKeepsTheForeignKeysOfTheOthers() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);
        MariaDbSchemaDump.execute(source, List.of("UPDATE customers SET name = 'changed' WHERE id = 1"));
        String before = schemaDump(source);

        backup.restore(newDumper(), source, RestoreMode.REPLACE, TableSelection.include("customers"), Map.of(), 2);

        assertThat(schemaDump(source)).isEqualTo(before);
        DataSource copy = newDatabase();
        backup.restore(newDumper(), copy, RestoreMode.REPLACE);
        assertThat(contentDigests(source)).isEqualTo(contentDigests(copy));
    }

    @Test
    void aSelectiveRestoreThatWouldOrphanRowsFailsBeforeAnyChangeNamingTheConstraintAndARow() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);
        MariaDbSchemaDump.execute(source, List.of("INSERT INTO customers (id, email) VALUES (7, 'new@x.org')",
                "INSERT INTO places VALUES (3, 7, ST_GeomFromText('POINT(0 0)'), NULL)"));
        String schemaBefore = schemaDump(source);
        Map<String, String> contentBefore = contentDigests(source);

        assertThatThrownBy(() -> backup.restore(newDumper(), source, RestoreMode.REPLACE,
                TableSelection.include("customers"), Map.of(), 2))
                .hasMessageContaining("fk_places_customer").hasMessageContaining("customer_id=7")
                .hasMessageContaining("Nothing was changed");

        assertThat(schemaDump(source)).isEqualTo(schemaBefore);
        assertThat(contentDigests(source)).isEqualTo(contentBefore);
    }
}
