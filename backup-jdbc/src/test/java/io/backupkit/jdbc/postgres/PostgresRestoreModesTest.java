package io.backupkit.jdbc.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** DATA_ONLY with triggers and selective REPLACE next to foreign keys of tables left alone, on PostgreSQL 15. */
@ExtendWith(DatabaseServers.class)
class PostgresRestoreModesTest {
    @TempDir
    Path tmp;

    private static void sql(TestDatabase db, String... statements) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static String one(TestDatabase db, String query) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void dataOnlyLoadsWithoutFiringTheTargetsTriggersAndKeepsThemEnabled(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        String[] schema = {"CREATE TABLE items (id int PRIMARY KEY, name text)", "CREATE TABLE audit (what text)",
            "CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS"
                    + " 'BEGIN INSERT INTO audit VALUES (NEW.name); RETURN NEW; END'",
            "CREATE TRIGGER items_log AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION log_it()"};
        sql(source, schema);
        sql(source, "INSERT INTO items VALUES (1, 'a'), (2, 'b')", "DELETE FROM audit");
        sql(target, schema);
        // the application's role owns its tables but is no superuser (session_replication_role is not allowed)
        sql(target, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bk_table_owner') THEN"
                + " CREATE ROLE bk_table_owner LOGIN; END IF; ALTER ROLE bk_table_owner PASSWORD 'owner-pw'; END $$", "ALTER TABLE items OWNER TO bk_table_owner",
                "ALTER TABLE audit OWNER TO bk_table_owner");
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(PostgresDumper.create(), source.dataSource(), TableSelection.include("public.items"), 1);
        TestDatabase asOwner = new TestDatabase(target.engine(), target.name(), target.jdbcUrl(), "bk_table_owner", "owner-pw");

        backup.restore(PostgresDumper.create(), asOwner.dataSource(), RestoreMode.DATA_ONLY);

        assertThat(one(target, "SELECT count(*) FROM items")).isEqualTo("2");
        assertThat(one(target, "SELECT count(*) FROM audit")).as("trigger fired during the load").isEqualTo("0");
        assertThat(one(target, "SELECT tgenabled FROM pg_trigger WHERE tgname = 'items_log'")).isEqualTo("O");
    }

    @Test
    void aSelectiveReplaceKeepsTheForeignKeysOfOtherTablesAndRefusesToOrphanTheirRows(@Postgres15 TestDatabase db)
            throws Exception {
        sql(db, "CREATE TABLE docs (id int PRIMARY KEY, title text)",
                "CREATE TABLE notes (id int PRIMARY KEY, doc_id int CONSTRAINT notes_doc_fk REFERENCES docs (id))",
                "INSERT INTO docs VALUES (1, 'one'), (2, 'two')", "INSERT INTO notes VALUES (10, 1)");
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(PostgresDumper.create(), db.dataSource(), TableSelection.ALL, 1);
        String fk = "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'notes_doc_fk'";

        backup.restore(PostgresDumper.create(), db.dataSource(), RestoreMode.REPLACE, TableSelection.include("public.docs"),
                Map.of(), 1);
        assertThat(one(db, fk)).isEqualTo("FOREIGN KEY (doc_id) REFERENCES docs(id)");

        sql(db, "DELETE FROM notes", "DELETE FROM docs WHERE id = 2", "INSERT INTO docs VALUES (3, 'three')",
                "INSERT INTO notes VALUES (11, 3)");
        assertThatThrownBy(() -> backup.restore(PostgresDumper.create(), db.dataSource(), RestoreMode.REPLACE,
                TableSelection.include("public.docs"), Map.of(), 1))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining("notes_doc_fk")
                .hasMessageContaining("(doc_id)=(3)");
        assertThat(one(db, "SELECT string_agg(id::text, ',' ORDER BY id) FROM docs")).isEqualTo("1,3");
        assertThat(one(db, fk)).isEqualTo("FOREIGN KEY (doc_id) REFERENCES docs(id)");
    }
}
