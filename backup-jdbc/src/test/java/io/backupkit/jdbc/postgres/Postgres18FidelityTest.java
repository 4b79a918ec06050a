package io.backupkit.jdbc.postgres;

import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.DatabaseServers;
import javax.sql.DataSource;

/**
 * The fidelity contract on PostgreSQL 18 with the same fixture; pg_dump 15 refuses a server of 18, so the schema is
 * compared by the catalog fingerprint ({@link PgCatalogFingerprint}), shown by PgCatalogFingerprintTest to agree with
 * {@code pg_dump --schema-only} on PostgreSQL 15.
 */
class Postgres18FidelityTest extends Postgres15FidelityTest {
    @Override
    DatabaseServer server() {
        return DatabaseServers.postgres18();
    }

    @Override
    protected String schemaDump(DataSource db) throws Exception {
        return PgCatalogFingerprint.of(db);
    }
}
