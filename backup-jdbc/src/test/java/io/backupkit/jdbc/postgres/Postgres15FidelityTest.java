package io.backupkit.jdbc.postgres;

import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.testkit.db.DatabaseFidelityContract;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.DatabaseServers;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The fidelity contract on PostgreSQL 15 with the fixture holding every object kind pg_dump captures; the schema is
 * compared by {@code pg_dump --schema-only} of source and target.
 */
class Postgres15FidelityTest extends DatabaseFidelityContract {
    static final String FIXTURE = "/postgres/fidelity-fixture.sql";

    DatabaseServer server() {
        return DatabaseServers.postgres15();
    }

    @Override
    protected DatabaseDumper newDumper() {
        return PostgresDumper.create();
    }

    @Override
    protected DataSource newDatabase() {
        return server().createDatabase().dataSource();
    }

    @Override
    protected void createFixture(DataSource db) throws Exception {
        PostgresFidelity.runScript(db, FIXTURE);
    }

    @Override
    protected String schemaDump(DataSource db) throws Exception {
        return PostgresFidelity.pgDumpSchema(server(), PostgresFidelity.databaseName(db));
    }

    @Override
    protected Map<String, String> contentDigests(DataSource db) throws Exception {
        return PostgresFidelity.contentDigests(db);
    }

    /** The fixture's role lives in the cluster, not in the database. */
    @Override
    protected boolean mayBeOutsideBackup(String entry) {
        return entry.startsWith("role ");
    }
}
