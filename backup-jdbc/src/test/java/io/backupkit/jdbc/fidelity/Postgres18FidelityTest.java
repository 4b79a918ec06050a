package io.backupkit.jdbc.fidelity;

import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.jdbc.PostgresDumper;
import io.backupkit.testkit.db.DatabaseFidelityContract;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.DatabaseServers;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The fidelity contract on PostgreSQL 18 with the same fixture; pg_dump 15 refuses a server of 18, so the schema is
 * compared by the catalog fingerprint ({@link PgCatalogFingerprint}), shown by PgCatalogFingerprintTest to agree with
 * {@code pg_dump --schema-only} on PostgreSQL 15.
 */
class Postgres18FidelityTest extends DatabaseFidelityContract {
    DatabaseServer server() {
        return DatabaseServers.postgres18();
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
        PostgresFidelity.runScript(db, Postgres15FidelityTest.FIXTURE);
    }

    @Override
    protected String schemaDump(DataSource db) throws Exception {
        return PgCatalogFingerprint.of(db);
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
