package io.backupkit.jdbc.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.testkit.db.DatabaseRestoreModesContract;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.MariaDbFixture;
import io.backupkit.testkit.db.MariaDbSchemaDump;
import io.backupkit.testkit.db.TestSql;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** MariaDB 10.11 through the fidelity contract with {@link MariaDbFixture}, compared by {@link MariaDbSchemaDump}. */
class MariaDbFidelityTest extends DatabaseRestoreModesContract {

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
        TestSql.execute(db, MariaDbFixture.STATEMENTS);
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
    protected String refusingTrigger() {
        return "CREATE TRIGGER refuse BEFORE INSERT ON audit FOR EACH ROW SIGNAL SQLSTATE '45000' "
                + "SET MESSAGE_TEXT = 'the trigger fired'";
    }

    @Override
    protected String extraTrigger() {
        return "CREATE TRIGGER extra BEFORE INSERT ON audit FOR EACH ROW SET NEW.what = UPPER(NEW.what)";
    }

    @Override
    protected String parentTable() {
        return "customers";
    }

    @Override
    protected List<String> changeParentRows() {
        return List.of("UPDATE customers SET name = 'changed' WHERE id = 1");
    }

    @Override
    protected List<String> addOrphanCandidate() {
        return List.of("INSERT INTO customers (id, email) VALUES (7, 'new@x.org')",
                "INSERT INTO places VALUES (3, 7, ST_GeomFromText('POINT(0 0)'), NULL)");
    }

    @Override
    protected List<String> orphanRefusalNames() {
        return List.of("fk_places_customer", "customer_id=7");
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
        TestSql.execute(source, List.of("CREATE TABLE prices (id INT PRIMARY KEY, p INT) WITH SYSTEM VERSIONING",
                "INSERT INTO prices VALUES (1, 10)", "UPDATE prices SET p = 11"));
        DirectoryBackup backup = backUp(source);

        assertThat(backup.summary().notCaptured()).containsExactly("history of system-versioned table "
                + MariaDbSchemaDump.name(source) + ".prices: only its current rows are captured");
    }

}
