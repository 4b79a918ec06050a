package io.backupkit.jdbc.mariadb;

import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.testkit.db.DatabaseFidelityContract;
import io.backupkit.testkit.db.MariaDbSchemaDump;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A public sample database through the fidelity contract on MariaDB: its SQL files are loaded unmodified through the
 * {@code mariadb} client into a fresh database, as a user would load them; only definers may be reported as outside
 * the backup (they are server-level users).
 */
abstract class MariaDbSampleFidelity extends DatabaseFidelityContract {

    /** The sample's SQL files, loaded in this order. */
    protected abstract List<Path> scripts();

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
        for (Path script : scripts()) {
            MariaDbSchemaDump.load(db, script);
        }
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
        return entry.startsWith("user ");
    }
}
