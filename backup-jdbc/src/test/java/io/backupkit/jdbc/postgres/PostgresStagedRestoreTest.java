package io.backupkit.jdbc.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.testkit.db.DatabaseEngine;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;

/**
 * The parallel staged REPLACE on the fidelity fixture (enum, domain, composite and range types, functions, an
 * extension, partitions with sub-partitions and a DEFAULT, inheritance): it is used for such a backup, and a
 * failure or a kill half-way through leaves the target's {@code pg_dump -s} and rows as they were, serial and staged.
 */
@ExtendWith(DatabaseServers.class)
class PostgresStagedRestoreTest {
    private static final String STAGING = "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'backupkit\\_restore\\_%'";

    @TempDir
    Path tmp;

    private DirectoryBackup fixtureBackup(TestDatabase source) throws Exception {
        PostgresFidelity.runScript(source.dataSource(), Postgres15FidelityTest.FIXTURE);
        DirectoryBackup backup = new DirectoryBackup(Files.createDirectories(tmp.resolve("backup")));
        backup.dump(PostgresDumper.create(), source.dataSource(), TableSelection.ALL, 2);
        return backup;
    }

    private static String schemaDump(TestDatabase db) throws Exception {
        return PostgresFidelity.pgDumpSchema(DatabaseServers.postgres15(), PostgresFidelity.databaseName(db.dataSource()));
    }

    private static String one(TestDatabase db, String query) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void sql(TestDatabase db, String... statements) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    @Test
    void aBackupWithTypesFunctionsAndPartitionsIsRestoredThroughStagingSchemas(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        DirectoryBackup backup = fixtureBackup(source);

        backup.restore(PostgresDumper.create(), target.dataSource(), RestoreMode.REPLACE, TableSelection.ALL, Map.of(), 2);

        // only the staged path records staging schemas; it created the types, functions ... the target lacked
        assertThat(backup.recoveryData()).containsKey(PostgresStagedRestore.RECOVERY_STAGING);
        assertThat(backup.recoveryData().get(PostgresStagedRestore.RECOVERY_CREATED))
                .contains("DROP TYPE IF EXISTS app.status", "DROP DOMAIN IF EXISTS app.open_status",
                        "DROP TYPE IF EXISTS app.money_pair", "DROP EXTENSION IF EXISTS \"citext\"");
        assertThat(schemaDump(target)).isEqualTo(schemaDump(source));
        assertThat(PostgresFidelity.contentDigests(target.dataSource()))
                .isEqualTo(PostgresFidelity.contentDigests(source.dataSource()));
        assertThat(one(target, STAGING)).isEqualTo("0");
    }

    @Test
    void aTargetWhoseEnumHasOtherLabelsIsReplacedInOneTransaction(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        DirectoryBackup backup = fixtureBackup(source);
        PostgresFidelity.runScript(target.dataSource(), Postgres15FidelityTest.FIXTURE);
        // (the target's own large objects are not the backup's: a REPLACE leaves them, as pg_restore --clean does)
        sql(target, "ALTER TYPE app.priority ADD VALUE 'urgent'", "SELECT lo_unlink(oid) FROM pg_largeobject_metadata");

        backup.restore(PostgresDumper.create(), target.dataSource(), RestoreMode.REPLACE, TableSelection.ALL, Map.of(), 2);

        // the staged tables would need the backup's enum before the swap: the single transaction replaces it
        assertThat(backup.recoveryData()).doesNotContainKey(PostgresStagedRestore.RECOVERY_STAGING);
        assertThat(schemaDump(target)).isEqualTo(schemaDump(source));
        assertThat(PostgresFidelity.contentDigests(target.dataSource()))
                .isEqualTo(PostgresFidelity.contentDigests(source.dataSource()));
    }

    @Test
    void aFailureHalfWayLeavesAnEmptyTargetEmptySerialAndStaged(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase serial, @Postgres15 TestDatabase staged) throws Exception {
        DirectoryBackup backup = fixtureBackup(source);
        assertFailureHalfWayChangesNothing(backup, serial, 1);
        assertFailureHalfWayChangesNothing(backup, staged, 2);
        // the types, functions and extension the staged restore had created are gone again
        assertThat(one(staged, "SELECT count(*) FROM pg_type WHERE typname = 'status'")).isEqualTo("0");
        assertThat(one(staged, "SELECT count(*) FROM pg_extension WHERE extname = 'citext'")).isEqualTo("0");
    }

    @Test
    void aFailureHalfWayLeavesAnOlderVersionOfTheDatabaseAsItWasSerialAndStaged(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase serial, @Postgres15 TestDatabase staged) throws Exception {
        DirectoryBackup backup = fixtureBackup(source);
        for (TestDatabase target : List.of(serial, staged)) {
            PostgresFidelity.runScript(target.dataSource(), Postgres15FidelityTest.FIXTURE);
            sql(target, "CREATE TABLE app.added_later (id int PRIMARY KEY)", "INSERT INTO app.added_later VALUES (1)",
                    "DELETE FROM app.events_2023", "ALTER TABLE app.customers ADD COLUMN nickname text",
                    "CREATE FUNCTION app.added_later() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        }
        assertFailureHalfWayChangesNothing(backup, serial, 1);
        assertFailureHalfWayChangesNothing(backup, staged, 2);
        assertThat(backup.recoveryData()).as("the staged path ran").containsKey(PostgresStagedRestore.RECOVERY_STAGING);
    }

    private void assertFailureHalfWayChangesNothing(DirectoryBackup backup, TestDatabase target, int parallelism)
            throws Exception {
        String schemaBefore = schemaDump(target);
        Map<String, String> rowsBefore = PostgresFidelity.contentDigests(target.dataSource());
        int tables = (int) backup.objects().keySet().stream().filter(p -> p.endsWith(".copy")).count();
        AtomicInteger opened = new AtomicInteger();
        backup.onObjectOpened(path -> {
            if (path.endsWith(".copy") && opened.incrementAndGet() == tables / 2) {
                throw new UncheckedIOException(new IOException("storage went away half-way (test)"));
            }
        });
        try {
            assertThatThrownBy(() -> backup.restore(PostgresDumper.create(), target.dataSource(), RestoreMode.REPLACE,
                    TableSelection.ALL, Map.of(), parallelism))
                    .isInstanceOf(RuntimeException.class)
                    .hasMessageContaining("the target is as it was");
        } finally {
            backup.onObjectOpened(path -> { });
        }
        assertThat(opened.get()).as("objects opened before the failure").isGreaterThanOrEqualTo(tables / 2);
        assertThat(schemaDump(target)).as("pg_dump -s after the failed restore, parallelism " + parallelism)
                .isEqualTo(schemaBefore);
        assertThat(PostgresFidelity.contentDigests(target.dataSource())).isEqualTo(rowsBefore);
        assertThat(one(target, STAGING)).isEqualTo("0");
    }

    /**
     * A staged restore killed mid-load (its JVM halted: no clean-up runs) leaves its staging schemas and the
     * prerequisites it created; recovery with what it recorded drops them, and the target is as before.
     */
    @Test
    void recoveryAfterAKilledStagedRestoreDropsItsStagingSchemasAndWhatItCreated(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        PostgresFidelity.runScript(source.dataSource(), Postgres15FidelityTest.FIXTURE);
        sql(target, "CREATE TABLE keep_me (id int PRIMARY KEY)", "INSERT INTO keep_me VALUES (7)");
        String schemaBefore = schemaDump(target);
        Map<String, String> rowsBefore = PostgresFidelity.contentDigests(target.dataSource());

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledRestore.class.getName(),
                tmp.toString(), source.jdbcUrl(), target.jdbcUrl(), source.user())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        child.getOutputStream().write((source.password() + "\n").getBytes(StandardCharsets.UTF_8));
        child.getOutputStream().close();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("child.log"));
        assertThat(child.exitValue()).as(log).isEqualTo(KilledRestore.HALTED);
        Map<String, String> recorded = new LinkedHashMap<>();
        for (String line : log.lines().filter(l -> l.startsWith("recovery ")).toList()) {
            String[] kv = line.substring("recovery ".length()).split("=", 2);
            recorded.put(kv[0], kv[1].replace("\\n", "\n"));
        }
        assertThat(recorded).containsKeys(PostgresStagedRestore.RECOVERY_STAGING, PostgresStagedRestore.RECOVERY_CREATED);
        assertThat(one(target, STAGING)).as("left by the killed restore").isNotEqualTo("0");
        assertThat(one(target, "SELECT count(*) FROM pg_type WHERE typname = 'status'")).isEqualTo("1");

        PostgresDumper.create().recoverAfterKill(target.dataSource(), recorded);

        assertThat(one(target, STAGING)).isEqualTo("0");
        assertThat(schemaDump(target)).isEqualTo(schemaBefore);
        assertThat(PostgresFidelity.contentDigests(target.dataSource())).isEqualTo(rowsBefore);
        // a second recovery finds nothing to do; so does one after a restore whose swap committed
        PostgresDumper.create().recoverAfterKill(target.dataSource(), recorded);
        assertThat(schemaDump(target)).isEqualTo(schemaBefore);
    }

    /** The child JVM: backs up the source, then restores it staged and halts when half the tables are loading. */
    public static final class KilledRestore {
        static final int HALTED = 137;

        public static void main(String[] args) throws Exception {
            String password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
            TestDatabase source = new TestDatabase(DatabaseEngine.POSTGRES_15, "source", args[1], args[3], password);
            TestDatabase target = new TestDatabase(DatabaseEngine.POSTGRES_15, "target", args[2], args[3], password);
            DirectoryBackup backup = new DirectoryBackup(Files.createDirectories(Path.of(args[0], "backup")));
            backup.dump(PostgresDumper.create(), source.dataSource(), TableSelection.ALL, 2);
            List<String> copies = new ArrayList<>(backup.objects().keySet().stream()
                    .filter(p -> p.endsWith(".copy")).toList());
            AtomicInteger opened = new AtomicInteger();
            backup.onObjectOpened(path -> {
                if (path.endsWith(".copy") && opened.incrementAndGet() == copies.size() / 2) {
                    // what the engine would have written to storage before the restore touched anything
                    backup.recoveryData().forEach((k, v) -> System.out.println("recovery " + k + "="
                            + v.replace("\n", "\\n")));
                    System.out.flush();
                    Runtime.getRuntime().halt(HALTED);
                }
            });
            backup.restore(PostgresDumper.create(), target.dataSource(), RestoreMode.REPLACE, TableSelection.ALL,
                    Map.of(), 2);
            System.out.println("the restore was not killed");
        }
    }
}
