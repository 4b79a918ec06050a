package io.backupkit.jdbc.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL 15, where {@code pg_dump} exists, the catalog fingerprint the PostgreSQL 18 contract compares agrees
 * with {@code pg_dump -s}: equal for the fixture and its restore, different (for both) for targets that differ from
 * it in one object each.
 */
@ExtendWith(DatabaseServers.class)
class PgCatalogFingerprintTest {
    @TempDir
    Path tmp;

    private static String pgDump(TestDatabase db) throws Exception {
        return PostgresFidelity.pgDumpSchema(DatabaseServers.postgres15(), PostgresFidelity.databaseName(db.dataSource()));
    }

    @Test
    void fingerprintEqualityAgreesWithPgDumpSchemaOnly(@Postgres15 TestDatabase source, @Postgres15 TestDatabase restored,
            @Postgres15 TestDatabase different) throws Exception {
        PostgresFidelity.runScript(source.dataSource(), Postgres15FidelityTest.FIXTURE);
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(PostgresDumper.create(), source.dataSource(), TableSelection.ALL, 2);
        backup.restore(PostgresDumper.create(), restored.dataSource(), RestoreMode.REPLACE, TableSelection.ALL, Map.of(), 2);

        assertThat(pgDump(restored)).isEqualTo(pgDump(source));
        assertThat(PgCatalogFingerprint.of(restored.dataSource())).isEqualTo(PgCatalogFingerprint.of(source.dataSource()));

        // one difference at a time, each made and then undone on a copy of the fixture restored from the backup
        backup.restore(PostgresDumper.create(), different.dataSource(), RestoreMode.REPLACE, TableSelection.ALL, Map.of(), 2);
        String[][] changes = {
            {"ALTER TABLE app.customers ADD COLUMN nickname text", "ALTER TABLE app.customers DROP COLUMN nickname"},
            {"CREATE INDEX fp_extra ON app.orders (id)", "DROP INDEX app.fp_extra"},
            {"COMMENT ON SCHEMA app IS 'changed'", null},
            {"ALTER DOMAIN app.email SET DEFAULT 'someone@example.com'", "ALTER DOMAIN app.email DROP DEFAULT"},
            {"CREATE OR REPLACE VIEW app.fp_view AS SELECT 1 AS one", "DROP VIEW app.fp_view"},
            {"ALTER TABLE app.events DETACH PARTITION app.events_other", "ALTER TABLE app.events ATTACH PARTITION"
                    + " app.events_other DEFAULT"},
        };
        String dumpBefore = pgDump(different);
        String fingerprintBefore = PgCatalogFingerprint.of(different.dataSource());
        assertThat(fingerprintBefore).isEqualTo(PgCatalogFingerprint.of(source.dataSource()));
        for (String[] change : changes) {
            String undo = change[1] != null ? change[1] : commentUndo(different);
            sql(different, change[0]);
            assertThat(pgDump(different)).as("pg_dump -s sees: " + change[0]).isNotEqualTo(dumpBefore);
            assertThat(PgCatalogFingerprint.of(different.dataSource())).as("fingerprint sees: " + change[0])
                    .isNotEqualTo(fingerprintBefore);
            sql(different, undo);
            assertThat(pgDump(different)).as("pg_dump -s after undoing " + change[0]).isEqualTo(dumpBefore);
            assertThat(PgCatalogFingerprint.of(different.dataSource())).as("fingerprint after undoing " + change[0])
                    .isEqualTo(fingerprintBefore);
        }
    }

    /** The statement that puts the schema's comment back as the fixture has it. */
    private static String commentUndo(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT coalesce(quote_literal(obj_description('app'::regnamespace, 'pg_namespace')),"
                     + " 'NULL')")) {
            rs.next();
            return "COMMENT ON SCHEMA app IS " + rs.getString(1);
        }
    }

    private static void sql(TestDatabase db, String statement) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
