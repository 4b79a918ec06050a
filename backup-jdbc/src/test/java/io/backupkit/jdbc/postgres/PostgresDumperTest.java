package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.JdbcDumperOptions;
import io.backupkit.testkit.db.DirectoryBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.RestoreResult.TableChange;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.Postgres18;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import io.backupkit.api.spi.DatabaseDumperFactory;
import io.backupkit.jdbc.internal.SchemaJson;
import io.backupkit.testkit.db.DatabaseServers;
import java.net.ServerSocket;
import java.util.ServiceLoader;

/** PostgreSQL-specific behaviour of {@link PostgresDumper} against real PostgreSQL 15 and 18 servers. */
@ExtendWith(DatabaseServers.class)
public class PostgresDumperTest {
    @TempDir
    Path tmp;

    /** Every type of the issue's matrix, with the values that break naive dumpers, NULLs included. */
    static final String[] TYPE_MATRIX = {
            "CREATE TYPE \"Mood\" AS ENUM ('sad', 'ok', 'happy 😀')",
            "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
            "CREATE TABLE \"Select\" ("
                    + " \"Id\" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " \"order\" integer, \"MixedCase\" text, sm smallint, i integer, bi bigint,"
                    + " num numeric, num_p numeric(40, 20), r real, d double precision, b boolean,"
                    + " ch char(5), vc varchar(20), t text, by bytea, dt date, tm time(6), tmtz timetz,"
                    + " ts timestamp, tstz timestamptz, iv interval, u uuid, j json, jb jsonb,"
                    + " ia integer[], ta text[], md numeric[][], mood \"Mood\", moods \"Mood\"[], p positive_int,"
                    + " s serial, g bigint GENERATED ALWAYS AS (i::bigint * 2) STORED)",
            "INSERT INTO \"Select\" (\"order\", \"MixedCase\", sm, i, bi, num, num_p, r, d, b, ch, vc, t, by, dt, tm,"
                    + " tmtz, ts, tstz, iv, u, j, jb, ia, ta, md, mood, moods, p) VALUES"
                    + " (1, 'Zażółć 😀 𝄞', -32768, -2147483648, -9223372036854775808,"
                    + "  123456789012345678901234567890.123456789012345678901234567890,"
                    + "  12345678901234567890.12345678901234567890, 'NaN', 'Infinity', true, 'ab', '', '',"
                    + "  '\\x', '4713-01-01 BC', '00:00:00', '23:59:59.999999+14', '-infinity', '-infinity',"
                    + "  '-178000000 years', '00000000-0000-0000-0000-000000000000', '{\"b\": 1,  \"a\" : [1, 2]}',"
                    + "  '{\"b\": 1, \"a\": [1, 2], \"u\": \"😀\"}', '{1,NULL,-3}', '{\"\",NULL,\"a,b\",\"NULL\"}',"
                    + "  '{{1.5,2},{NaN,-0.000000001}}', 'happy 😀', '{sad,\"happy 😀\"}', 1),"
                    + " (2, 'x', 32767, 2147483647, 9223372036854775807, -0.0000000000000000000000000001,"
                    + "  -0.00000000000000000001, '-Infinity', '-Infinity', false, 'abcde', 'twenty characters!!',"
                    + "  repeat('long text ', 1000), (SELECT string_agg(set_byte('\\x00'::bytea, 0, g), ''::bytea"
                    + "  ORDER BY g) FROM generate_series(0, 255) g), '5874897-12-31', '24:00:00', '00:00:00-15:59',"
                    + "  'infinity', 'infinity', '178000000 years 11 mons 29 days 23:59:59.999999',"
                    + "  'ffffffff-ffff-ffff-ffff-ffffffffffff', '[]', '{}', '{}', '{}', '{}', 'sad', '{}', 2147483647),"
                    + " (3, NULL, 0, 0, 0, 0, 0, 3.4028235e38, 1.7976931348623157e308, NULL, NULL, NULL, NULL, NULL,"
                    + "  '2000-02-29', '12:34:56.789012', '12:00+05:30', '2024-02-29 23:59:59.999999',"
                    + "  '2024-03-31 01:30:00 Europe/Warsaw', '-1 days +02:03:04.5', gen_random_uuid(), 'null',"
                    + "  'null', NULL, NULL, NULL, NULL, NULL, NULL),"
                    + " (4, 'tab\tnew\nline\\back\\slash\r', 1, 1, 1, 'NaN', 1e-20, 1.4e-45, 4.9e-324, true, 'x',"
                    + "  'quote''s \"dq\"', E'\\\\N', '\\x00ff', '1970-01-01', '00:00:00.000001', '00:00:00+00',"
                    + "  '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999-08', '1 mon -1 days', gen_random_uuid(),"
                    + "  '\"\\u0000 escaped\"', '\"text\"', '{2147483647}', '{\"\\\\N\"}', NULL, 'ok', NULL, 3),"
                    + " (5, '', NULL, NULL, NULL, NULL, NULL, -0.0, -0.0, NULL, '', '', '', NULL, NULL, NULL, NULL,"
                    + "  NULL, '2038-01-19 03:14:08+00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
            "CREATE TABLE \"user\" (\"Group\" text, \"from\" integer, PRIMARY KEY (\"Group\", \"from\"))",
            "INSERT INTO \"user\" VALUES ('a', 1), ('A', 1), ('a b', 2)",
            "CREATE INDEX \"Select_lower_idx\" ON \"Select\" (lower(t)) WHERE b",
            "CREATE UNIQUE INDEX select_vc_desc ON \"Select\" (vc DESC NULLS LAST, \"order\")",
            "CREATE VIEW happy AS SELECT \"Id\", \"MixedCase\" FROM \"Select\" WHERE mood = 'happy 😀'",
            "SELECT setval(pg_get_serial_sequence('\"Select\"', 's'), 100)"
    };

    @Test
    void everyTypeRoundTripsExactlyOnPostgres15InBinaryAndTextCopy(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase binaryTarget, @Postgres15 TestDatabase textTarget) throws Exception {
        execute(source.dataSource(), TYPE_MATRIX);
        roundTrip(PostgresDumper.create(), source, binaryTarget);
        roundTrip(PostgresDumper.create(JdbcDumperOptions.DEFAULTS, false), source, textTarget);
    }

    @Test
    void everyTypeRoundTripsExactlyOnPostgres18AndFrom15To18(@Postgres18 TestDatabase source,
            @Postgres18 TestDatabase target, @Postgres15 TestDatabase older, @Postgres18 TestDatabase upgraded)
            throws Exception {
        execute(source.dataSource(), TYPE_MATRIX);
        roundTrip(PostgresDumper.create(), source, target);
        execute(older.dataSource(), TYPE_MATRIX);
        roundTrip(PostgresDumper.create(), older, upgraded);
    }

    private void roundTrip(PostgresDumper dumper, TestDatabase source, TestDatabase target) throws Exception {
        DirectoryBackup backup = new DirectoryBackup(Files.createTempDirectory(tmp, "backup"));
        DumpSummary summary = backup.dump(dumper, source.dataSource(), TableSelection.ALL, 2);
        assertThat(summary.tables()).extracting(t -> t.name() + "=" + t.rows())
                .containsExactlyInAnyOrder("Select=5", "user=3");
        backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE);

        assertThat(rowsAsText(target, "\"Select\"", "\"Id\"")).isEqualTo(rowsAsText(source, "\"Select\"", "\"Id\""));
        assertThat(rowsAsText(target, "\"user\"", "1")).isEqualTo(rowsAsText(source, "\"user\"", "1"));
        if (source.engine() == target.engine()) {
            assertThat(catalog(target)).isEqualTo(catalog(source));
        } else { // PostgreSQL 18 deparses view queries without the table prefixes 15 writes: same view
            assertThat(withoutViews(catalog(target))).isEqualTo(withoutViews(catalog(source)));
        }
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            // identity and serial continue after the restored values; the generated column is recomputed
            st.execute("INSERT INTO \"Select\" (i) VALUES (21)");
            try (ResultSet rs = st.executeQuery("SELECT \"Id\", s, g FROM \"Select\" WHERE i = 21")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(6);
                assertThat(rs.getLong(2)).isEqualTo(101);
                assertThat(rs.getLong(3)).isEqualTo(42);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM happy")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void fiftyMegabyteByteaRoundTrips(@Postgres15 TestDatabase source, @Postgres15 TestDatabase target)
            throws Exception {
        execute(source.dataSource(), "CREATE TABLE blobs (id int PRIMARY KEY, data bytea)",
                "INSERT INTO blobs SELECT 1, decode(string_agg(md5(g::text), ''), 'hex')"
                        + " FROM generate_series(1, 50 * 1024 * 1024 / 16) g",
                "INSERT INTO blobs VALUES (2, '\\x'), (3, NULL)");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE);
        String sql = "SELECT id, length(data), md5(data) FROM blobs ORDER BY id";
        assertThat(query(target, sql)).isEqualTo(query(source, sql)).first().asString().contains("52428800");
    }

    @Test
    void aFailedRestoreLeavesTheTargetExactlyAsBeforeAndNamesTableAndRow(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        execute(source.dataSource(),
                "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)",
                "CREATE TABLE payments (id int PRIMARY KEY, customer_id int REFERENCES customers, amount int)",
                "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g",
                "INSERT INTO payments SELECT g, 1 + g % 100, g FROM generate_series(1, 200) g");
        // The target's migrations added a rule the backup's row 150 breaks.
        execute(target.dataSource(),
                "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)",
                "CREATE TABLE payments (id int PRIMARY KEY, customer_id int REFERENCES customers, amount int,"
                        + " CONSTRAINT small_amounts CHECK (amount < 150))",
                "CREATE TABLE untouched (x int)",
                "INSERT INTO customers VALUES (1, 'old one'), (7, 'old seven')",
                "INSERT INTO payments VALUES (1, 1, 10), (2, 7, 20)", "INSERT INTO untouched VALUES (42)");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        Map<String, String> before = tableHashes(target);

        assertThatThrownBy(() -> backup.restore(dumper, target.dataSource(), RestoreMode.DATA_ONLY))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining("public.payments")
                .hasMessageContaining("row 150")
                .hasMessageContaining("small_amounts")
                .hasMessageContaining("rolled back");
        assertThat(tableHashes(target)).as("target after a failed DATA_ONLY").isEqualTo(before);

        // MERGE upserts from a staging table: the server names the failing row by its values
        assertThatThrownBy(() -> backup.restore(dumper, target.dataSource(), RestoreMode.MERGE))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining("public.payments")
                .hasMessageContaining("(150, 51, 150)")
                .hasMessageContaining("rolled back");
        assertThat(tableHashes(target)).as("target after a failed MERGE").isEqualTo(before);
    }

    @Test
    void aReplaceFailingAfterTablesWereDroppedAndReloadedLeavesTheTargetAsBefore(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        execute(source.dataSource(),
                "CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY, v text)",
                "INSERT INTO a SELECT generate_series(1, 1000)",
                "INSERT INTO b SELECT g, 'value ' || g FROM generate_series(1, 1000) g");
        execute(target.dataSource(),
                "CREATE TABLE a (id int PRIMARY KEY, old text)", "INSERT INTO a VALUES (5, 'five')",
                "CREATE TABLE b (id int PRIMARY KEY)", "INSERT INTO b VALUES (9)",
                "CREATE TABLE other (x int)", "INSERT INTO other VALUES (1)");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        Map<String, String> before = tableHashes(target);
        // Damage b's stored object: its COPY fails on the checksum after a was dropped, recreated and loaded.
        Path file = backup.file(backup.summary().tables().stream().filter(t -> t.name().equals("b")).findFirst()
                .orElseThrow().objects().get(0));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(file, bytes);

        assertThatThrownBy(() -> backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("public.b")
                .hasMessageContaining("rolled back");
        assertThat(tableHashes(target)).isEqualTo(before);
    }

    @Test
    void functionsTriggersPartitionsAndTheRestAreCapturedAndWhatCannotBeIsNamed(@Postgres15 TestDatabase source)
            throws Exception {
        execute(source.dataSource(),
                "CREATE TABLE orders (id int PRIMARY KEY, total numeric, updated timestamptz)",
                "CREATE FUNCTION calc_total(n integer) RETURNS numeric LANGUAGE sql AS 'SELECT n * 1.5'",
                "CREATE PROCEDURE archive_orders() LANGUAGE sql AS 'DELETE FROM orders WHERE false'",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS"
                        + " 'BEGIN NEW.updated := now(); RETURN NEW; END'",
                "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()",
                "ALTER TABLE orders ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own_orders ON orders USING (id > 0)",
                "CREATE MATERIALIZED VIEW order_totals AS SELECT sum(total) FROM orders",
                "CREATE TABLE events (at date) PARTITION BY RANGE (at)",
                "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO events VALUES ('2026-05-01')",
                "CREATE RULE no_delete AS ON DELETE TO orders DO INSTEAD NOTHING",
                "GRANT SELECT ON orders TO PUBLIC",
                "CREATE TEXT SEARCH CONFIGURATION my_search (COPY = pg_catalog.simple)");
        DirectoryBackup backup = new DirectoryBackup(tmp);
        // the dumper reports what it could not capture; the engine then fails the backup (IncompleteBackupTest)
        DumpSummary summary = backup.dump(PostgresDumper.create(), source.dataSource(), TableSelection.ALL, 1);
        assertThat(summary.notCaptured()).containsExactly("text search configuration public.my_search: not captured by"
                + " the builtin dumper (use the pg_dump dumper)");
        assertThat(summary.warnings()).isEmpty();
        assertThat(summary.tables()).extracting(t -> t.name() + "=" + t.rows())
                .containsExactlyInAnyOrder("orders=0", "events=0", "events_2026=1");
        SchemaModel model;
        try (var in = Files.newInputStream(backup.file("db/schema.json"))) {
            model = SchemaJson.read(in);
        }
        assertThat(model.objects()).extracting(SchemaModel.DbObject::key).contains(
                "function public.calc_total(n integer)", "function public.archive_orders()",
                "trigger public.orders_touch on orders", "policy public.own_orders on orders",
                "row level security public.orders", "materialized view public.order_totals",
                "materialized view data public.order_totals", "rule public.no_delete on orders",
                "grant TABLE public.orders");
    }

    @Test
    void restoresIntoAnotherSchemaWithItsTypesViewsAndIndexes(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        execute(source.dataSource(), "CREATE SCHEMA prod",
                "CREATE TYPE prod.status AS ENUM ('new', 'done')",
                "CREATE TABLE prod.tasks (id serial PRIMARY KEY, st prod.status NOT NULL DEFAULT 'new',"
                        + " sts prod.status[], title text)",
                "CREATE INDEX tasks_title ON prod.tasks (lower(title))",
                "CREATE VIEW prod.open_tasks AS SELECT id, title FROM prod.tasks WHERE st = 'new'",
                "INSERT INTO prod.tasks (st, sts, title) VALUES ('new', '{new,done}', 'A'), ('done', NULL, 'b')");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.include("prod.*"), 1);
        List<TableChange> changes = backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE,
                TableSelection.ALL, Map.of("prod", "staging"), 1);
        assertThat(changes).containsExactly(new TableChange("staging.tasks", -1, 2));
        assertThat(query(target, "SELECT id, st, sts, title FROM staging.open_tasks NATURAL JOIN staging.tasks"))
                .containsExactly("1|new|{new,done}|A");
        assertThat(query(target, "SELECT indexdef FROM pg_indexes WHERE indexname = 'tasks_title'"))
                .containsExactly("CREATE INDEX tasks_title ON staging.tasks USING btree (lower(title))");
        assertThat(query(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'prod'"))
                .containsExactly("0");
        execute(target.dataSource(), "INSERT INTO staging.tasks (title) VALUES ('next')");
        assertThat(query(target, "SELECT id, st FROM staging.tasks WHERE title = 'next'")).containsExactly("3|new");
    }

    @Test
    void aWrongPasswordIsAConfigurationErrorWithoutThePassword(@Postgres15 TestDatabase db) {
        DataSource wrong = new TestDatabase(db.engine(), db.name(), db.jdbcUrl(), db.user(),
                "not-the-password").dataSource();
        assertThatThrownBy(() -> new DirectoryBackup(tmp).dump(PostgresDumper.create(), wrong, TableSelection.ALL, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("refused the login")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void anUnreachableServerIsAConfigurationErrorBeforeAnythingIsWritten(@Postgres15 TestDatabase db)
            throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DataSource nowhere = new TestDatabase(db.engine(), db.name(), "jdbc:postgresql://127.0.0.1:" + closedPort
                + "/" + db.name() + "?connectTimeout=5", db.user(), db.password()).dataSource();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        assertThatThrownBy(() -> backup.dump(PostgresDumper.create(), nowhere, TableSelection.ALL, 2))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot reach the source database");
        assertThat(backup.objects()).isEmpty();
    }

    @Test
    void restoresAreAtomicAndTablesCreatedByAFailedRestoreCanBeDropped(@Postgres15 TestDatabase db)
            throws Exception {
        execute(db.dataSource(), "CREATE TABLE parent (id int PRIMARY KEY)",
                "CREATE TABLE \"Child\" (id int PRIMARY KEY, parent int REFERENCES parent)",
                "CREATE TABLE kept (id int)");
        PostgresDumper dumper = PostgresDumper.create();
        assertThat(dumper.restoresAtomically(db.dataSource())).isTrue();
        dumper.dropTables(db.dataSource(), List.of("public.parent", "public.Child", "public.never_created"));
        assertThat(query(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).containsExactly("kept");
    }

    @Test
    void dataOnlyAndMergeLoadIntoColumnsTheMigrationsWidened(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        execute(source.dataSource(), "CREATE TABLE items (id int PRIMARY KEY, qty smallint, name varchar(10),"
                + " price numeric(6, 2), seen timestamp)",
                "INSERT INTO items VALUES (1, 5, 'one', 1.50, '2024-01-01 10:00'), (2, NULL, 'two', NULL, NULL)");
        // the application's later migrations: wider types, another column order, a new column with a default
        execute(target.dataSource(), "CREATE TABLE items (added text DEFAULT 'd', name text, price numeric(12, 4),"
                + " seen timestamptz, qty bigint, id bigint PRIMARY KEY)", "INSERT INTO items (id, name) VALUES (3, 'x')");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        backup.restore(dumper, target.dataSource(), RestoreMode.DATA_ONLY);
        String rows = "SELECT id, qty, name, price, seen AT TIME ZONE 'UTC', added FROM items ORDER BY id";
        assertThat(query(target, rows)).containsExactly("1|5|one|1.5000|2024-01-01 10:00:00|d",
                "2|null|two|null|null|d");

        execute(source.dataSource(), "UPDATE items SET qty = 6 WHERE id = 1");
        execute(target.dataSource(), "INSERT INTO items (id, name) VALUES (4, 'kept')");
        DirectoryBackup again = new DirectoryBackup(Files.createTempDirectory(tmp, "again"));
        again.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        again.restore(dumper, target.dataSource(), RestoreMode.MERGE);
        assertThat(query(target, "SELECT id, qty, name FROM items ORDER BY id"))
                .containsExactly("1|6|one", "2|null|two", "4|null|kept");
    }

    /**
     * A table the restore creates is loaded as pg_restore does it, fast: rows first (with COPY FREEZE, so they
     * arrive all-visible), primary key and indexes afterwards. relallvisible = relpages right after the restore
     * shows the frozen load (CREATE INDEX records the visibility map count; a plain load leaves it at 0); the
     * keys must all be there, enforced.
     */
    @Test
    void restoredTablesAreLoadedFrozenAndGetTheirKeysAfterTheRows(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase empty, @Postgres15 TestDatabase existing) throws Exception {
        execute(source.dataSource(),
                "CREATE TABLE parent (id int PRIMARY KEY, name text UNIQUE)",
                "CREATE TABLE child (id bigint PRIMARY KEY, parent_id int REFERENCES parent, v text)",
                "CREATE INDEX child_v ON child (v)",
                "INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 100) g",
                "INSERT INTO child SELECT g, 1 + g % 100, repeat('x', g % 50) FROM generate_series(1, 20000) g");
        execute(existing.dataSource(), "CREATE TABLE child (id int PRIMARY KEY)", "INSERT INTO child VALUES (1)");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        String keys = "SELECT conrelid::regclass::text || ' ' || contype::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE connamespace = 'public'::regnamespace ORDER BY 1";
        String frozen = "SELECT relname, relpages > 0 AND relallvisible = relpages FROM pg_class"
                + " WHERE relname IN ('parent', 'child') ORDER BY 1";
        for (TestDatabase target : List.of(empty, existing)) {
            List<TableChange> changes = backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE);
            assertThat(query(target, frozen)).as(target.name()).containsExactly("child|t", "parent|t");
            assertThat(query(target, keys)).as(target.name()).isEqualTo(query(source, keys)).hasSize(4);
            assertThat(query(target, "SELECT indexdef FROM pg_indexes WHERE indexname = 'child_v'"))
                    .containsExactly("CREATE INDEX child_v ON public.child USING btree (v)");
            assertThat(changes).extracting(TableChange::rowsAfter).containsExactlyInAnyOrder(100L, 20000L);
            assertThatThrownBy(() -> execute(target.dataSource(), "INSERT INTO child VALUES (5, 1, 'dup')"))
                    .hasMessageContaining("child_pkey");
        }
    }

    private static final String[] SHOP = {
        "CREATE SEQUENCE invoice_no START 1000",
        "CREATE TABLE customers (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL, created timestamptz DEFAULT now())",
        "CREATE TABLE orders (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, invoice bigint NOT NULL"
                + " DEFAULT nextval('invoice_no'), customer_id bigint REFERENCES customers, amount numeric(10,2)"
                + " CHECK (amount >= 0), status text DEFAULT 'new')",
        "CREATE INDEX orders_customer ON orders (customer_id)",
        "CREATE TABLE notes (id int PRIMARY KEY, body text)",
        "CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 50",
        "INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 300) g",
        "INSERT INTO orders (customer_id, amount) SELECT 1 + g % 300, g % 100 FROM generate_series(1, 5000) g",
        "INSERT INTO notes SELECT g, repeat('n', g) FROM generate_series(1, 50) g"};

    /**
     * With more than one connection a REPLACE loads and indexes the tables side by side in staging schemas and
     * swaps them in with one transaction: the result is the same database as the one-connection restore
     * (rows, keys, indexes, defaults, sequences, views), and no staging schema is left.
     */
    @Test
    void aParallelReplaceGivesTheSameDatabaseAsTheSerialOne(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase serial, @Postgres15 TestDatabase parallel) throws Exception {
        execute(source.dataSource(), SHOP);
        // the parallel target has older versions of two tables, a view on one and an unrelated table
        execute(parallel.dataSource(), "CREATE TABLE customers (id int PRIMARY KEY, email text)",
                "INSERT INTO customers VALUES (1, 'old')", "CREATE TABLE notes (x int)",
                "CREATE VIEW old_view AS SELECT * FROM notes", "CREATE TABLE keep_me (v int)",
                "INSERT INTO keep_me VALUES (7)");
        execute(serial.dataSource(), "CREATE TABLE keep_me (v int)", "INSERT INTO keep_me VALUES (7)");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        backup.restore(dumper, serial.dataSource(), RestoreMode.REPLACE, TableSelection.ALL, Map.of(), 1);
        List<TableChange> changes = backup.restore(dumper, parallel.dataSource(), RestoreMode.REPLACE,
                TableSelection.ALL, Map.of(), 2);

        assertThat(changes).extracting(TableChange::table, TableChange::rowsBefore, TableChange::rowsAfter)
                .containsExactlyInAnyOrder(tuple("public.customers", 1L, 300L), tuple("public.orders", -1L, 5000L),
                        tuple("public.notes", 0L, 50L));
        assertThat(tableHashes(parallel)).isEqualTo(tableHashes(serial));
        for (String table : List.of("customers", "orders", "notes")) {
            assertThat(rowsAsText(parallel, table, "id")).isEqualTo(rowsAsText(source, table, "id"));
        }
        String defaults = "SELECT table_name || '.' || column_name || '=' || column_default FROM"
                + " information_schema.columns WHERE table_schema = 'public' AND column_default IS NOT NULL ORDER BY 1";
        assertThat(query(parallel, defaults)).isEqualTo(query(serial, defaults)).hasSize(4);
        assertThat(query(parallel, "SELECT count(*) FROM big_orders")).isEqualTo(query(source,
                "SELECT count(*) FROM big_orders"));
        assertThat(query(parallel, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'backupkit%'")).isEmpty();
        // the next inserts continue the sequences instead of colliding
        execute(parallel.dataSource(), "INSERT INTO customers (email) VALUES ('new@example.com')",
                "INSERT INTO orders (customer_id, amount) VALUES (1, 5)");
        assertThat(query(parallel, "SELECT max(id) FROM customers")).containsExactly("301");
        assertThat(query(parallel, "SELECT id, invoice FROM orders ORDER BY id DESC LIMIT 1"))
                .isEqualTo(query(source, "SELECT 5001, nextval('invoice_no')"));
        assertThat(query(parallel, "SELECT v FROM keep_me")).containsExactly("7");
    }

    /**
     * A parallel REPLACE that fails while loading (a damaged object) or while swapping the tables in (a name taken
     * in the target) leaves the target exactly as it was and drops its staging schemas.
     */
    @Test
    void aFailedParallelReplaceLeavesTheTargetAsItWas(@Postgres15 TestDatabase source, @Postgres15 TestDatabase target)
            throws Exception {
        execute(source.dataSource(), SHOP);
        execute(target.dataSource(), "CREATE TABLE customers (id int PRIMARY KEY, email text)",
                "INSERT INTO customers VALUES (1, 'old')", "CREATE TABLE orders_customer (x int)",
                "INSERT INTO orders_customer VALUES (3)");
        PostgresDumper dumper = PostgresDumper.create();
        DirectoryBackup backup = new DirectoryBackup(tmp);
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        Map<String, String> before = tableHashes(target);
        String staging = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'backupkit%'";

        // the index orders_customer cannot move into public, where a table has that name
        assertThatThrownBy(() -> backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE, TableSelection.ALL,
                Map.of(), 2))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining("orders_customer")
                .hasMessageContaining("its staged tables were dropped");
        assertThat(tableHashes(target)).isEqualTo(before);
        assertThat(query(target, staging)).isEmpty();

        execute(target.dataSource(), "DROP TABLE orders_customer");
        before = tableHashes(target);
        Path file = backup.file(backup.summary().tables().stream().filter(t -> t.name().equals("orders")).findFirst()
                .orElseThrow().objects().get(0));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(file, bytes);
        assertThatThrownBy(() -> backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE, TableSelection.ALL,
                Map.of(), 2))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("public.orders")
                .hasMessageContaining("its staged tables were dropped");
        assertThat(tableHashes(target)).isEqualTo(before);
        assertThat(query(target, staging)).isEmpty();
    }

    @Test
    void theFactoryIsFoundForPostgres() {
        List<String> names = new ArrayList<>();
        for (var f : ServiceLoader.load(DatabaseDumperFactory.class)) {
            if (f.supports("PostgreSQL")) {
                names.add(f.name() + "@" + f.priority());
            }
        }
        assertThat(names).contains("postgresql@10");
    }

    // ------------------------------------------------------------------ helpers

    public static void execute(DataSource ds, String... sqls) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String sql : sqls) {
                st.execute(sql);
            }
        }
    }

    public static List<String> query(TestDatabase db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    /** Every row as PostgreSQL's own text form of the whole record, in UTC with exact floats. */
    static List<String> rowsAsText(TestDatabase db, String table, String orderBy) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute("SET extra_float_digits = 3");
            List<String> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT t::text FROM " + table + " t ORDER BY " + orderBy)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** Column types, defaults, constraints, indexes and views as the catalog describes them. */
    static List<String> catalog(TestDatabase db) throws SQLException {
        List<String> out = new ArrayList<>();
        out.addAll(query(db, "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                + " || ' null=' || (NOT a.attnotnull)::text || ' def=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')"
                + " || ' id=' || a.attidentity::text || ' gen=' || a.attgenerated::text"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v') AND a.attnum > 0"
                + " AND NOT a.attisdropped ORDER BY 1"));
        out.addAll(query(db, "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1")); // PG18 lists NOT NULL too
        out.addAll(query(db, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"));
        out.addAll(query(db, "SELECT viewname || ' ' || definition FROM pg_views WHERE schemaname = 'public'"));
        out.addAll(query(db, "SELECT sequencename || ' ' || last_value FROM pg_sequences ORDER BY 1"));
        out.addAll(query(db, "SELECT t.typname || ' ' || coalesce(string_agg(e.enumlabel, ',' ORDER BY"
                + " e.enumsortorder), '') FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid"
                + " WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd') GROUP BY t.typname"
                + " ORDER BY 1"));
        return out;
    }

    private static List<String> withoutViews(List<String> catalog) {
        return catalog.stream().filter(line -> !line.startsWith("happy ")).toList();
    }

    /** Per table of the public schema: row count and an md5 over its rows in a fixed order. */
    static Map<String, String> tableHashes(TestDatabase db) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String table : query(db, "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
                + " ORDER BY 1")) {
            out.put(table, query(db, "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY"
                    + " t::text)), '') FROM " + table + " t").get(0));
        }
        out.put("(catalog)", String.join("\n", catalog(db)));
        return out;
    }
}
