package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.RecoveryReport;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged (parallel) PostgreSQL REPLACE through the engine, its JVM killed mid-load: the staging schema and the
 * enum type it had created are left; {@code recover()} removes them and the target is as it was.
 */
@ExtendWith(DatabaseServers.class)
class KilledStagedPostgresRestoreTest {
    private static final String CATALOG = "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname LIKE"
            + " 'backupkit\\_restore\\_%') || ' staging, ' || (SELECT count(*) FROM pg_type WHERE typname = 'mood')"
            + " || ' mood, ' || (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r'"
            + " AND relnamespace = 'public'::regnamespace)";
    private static final String ROWS = "SELECT (SELECT count(*) || ':' || sum(hashtextextended(t::text, 0)) FROM people t)"
            + " || ' ' || (SELECT count(*) || ':' || sum(hashtextextended(t::text, 0)) FROM notes t)";

    @TempDir
    Path tmp;

    @Test
    void recoverAfterAKilledStagedRestoreDropsTheStagingSchemaAndWhatItCreated(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        sql(source, "CREATE TYPE mood AS ENUM ('ok', 'happy')",
                "CREATE TABLE people (id int PRIMARY KEY, name text, feeling mood)",
                "CREATE TABLE notes (id int PRIMARY KEY, person int REFERENCES people, body text)",
                "INSERT INTO people SELECT g, 'p' || g, 'happy' FROM generate_series(1, 2000) g",
                "INSERT INTO notes SELECT g, 1 + g % 2000, 'n' || g FROM generate_series(1, 5000) g");
        // the target: an older version without the enum
        sql(target, "CREATE TABLE people (id int PRIMARY KEY, name text)",
                "CREATE TABLE notes (id int PRIMARY KEY, person int REFERENCES people, body text)",
                "INSERT INTO people VALUES (1, 'old')", "INSERT INTO notes VALUES (1, 1, 'old note')");
        Path store = tmp.resolve("store");
        BackupId id;
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(source.dataSource()).build()) {
            id = engine.backup(BackupType.DATABASE).id();
        }
        String catalogBefore = one(target, CATALOG);
        String rowsBefore = one(target, ROWS);
        assertThat(catalogBefore).isEqualTo("0 staging, 0 mood, notes,people");

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledStagedPostgresRestoreChild.class.getName(),
                store.toString(), target.jdbcUrl(), target.user(), id.value())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        child.getOutputStream().write((target.password() + "\n").getBytes(StandardCharsets.UTF_8));
        child.getOutputStream().close();
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("child.log"));
        assertThat(child.exitValue()).as(log).isEqualTo(KilledStagedPostgresRestoreChild.HALTED);
        assertThat(one(target, CATALOG)).as("left by the killed restore").startsWith("1 staging, 1 mood");
        assertThat(one(target, ROWS)).as("the target's tables are untouched").isEqualTo(rowsBefore);

        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(target.dataSource()).build()) {
            RecoveryReport report = engine.recover();
            assertThat(report.recovered()).hasSize(1);
            assertThat(engine.recover().recovered()).as("recovery is done once").isEmpty();
        }

        assertThat(one(target, CATALOG)).isEqualTo(catalogBefore);
        assertThat(one(target, ROWS)).isEqualTo(rowsBefore);
    }

    private static void sql(TestDatabase db, String... statements) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static String one(TestDatabase db, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return String.join("\n", out);
    }
}
