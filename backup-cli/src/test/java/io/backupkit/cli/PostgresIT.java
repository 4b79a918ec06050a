package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against a real PostgreSQL 15 server (started by the test kit), with the password given only
 * through the environment or a file: it must never appear in output, logs, --verbose traces or the configuration.
 */
@ExtendWith(DatabaseServers.class)
class PostgresIT {
    @TempDir
    Path work;

    @Test
    void backupRestoreIntoAnotherDatabaseWithThePasswordFromTheEnvironment(@Postgres15 TestDatabase source,
                                                                          @Postgres15 TestDatabase target) throws Exception {
        try (Connection c = source.connect()) {
            Samples.createShop(c, 20, 50);
        }
        String password = source.password();
        assertThat(password).isNotBlank();
        Cli cli = new Cli(work).env("BACKUPKIT_DB_PASSWORD", password);
        List<Cli.Result> all = new ArrayList<>();

        Cli.Result backup = cli.ok("backup", "--storage", "file:./pg", "--db", source.jdbcUrl(), "--db-user",
                source.user(), "--type", "database", "--verbose");
        all.add(backup);
        String id = backup.out().strip();
        assertThat(backup.err()).contains("INFO BackupOperation");   // --verbose logs what happens
        JsonNode m = cli.ok("show", id, "--storage", "file:./pg", "--json").json();
        assertThat(m.get("database").get("dumper").asText()).startsWith("postgres");
        assertThat(m.get("database").get("totalRows").asLong()).isEqualTo(20 + 50 + 100);
        all.add(cli.ok("verify", id, "--storage", "file:./pg"));

        Cli.Result dry = cli.ok("restore", id, "--storage", "file:./pg", "--db", target.jdbcUrl(), "--db-user",
                target.user(), "--validate-only");
        all.add(dry);
        assertThat(dry.out()).contains("(new)");
        Cli.Result refused = cli.expect(ExitCode.USAGE, "restore", id, "--storage", "file:./pg", "--db", target.jdbcUrl(),
                "--db-user", target.user());
        assertThat(refused.err()).contains("--force");
        Cli.Result restore = cli.ok("restore", id, "--storage", "file:./pg", "--db", target.jdbcUrl(), "--db-user",
                target.user(), "--force", "--verbose");
        all.add(restore);
        try (Connection a = source.connect(); Connection b = target.connect()) {
            assertThat(Samples.fingerprint(b)).isEqualTo(Samples.fingerprint(a));
        }

        // merge mode puts back deleted rows without touching others
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM order_items WHERE id % 3 = 0");
        }
        all.add(cli.ok("restore", id, "--storage", "file:./pg", "--db", target.jdbcUrl(), "--db-user", target.user(),
                "--mode", "merge", "--tables", "order_items", "--force"));
        try (Connection a = source.connect(); Connection b = target.connect()) {
            assertThat(Samples.fingerprint(b)).isEqualTo(Samples.fingerprint(a));
        }

        Cli.Result config = cli.ok("config", "--db", source.jdbcUrl(), "--db-user", source.user(), "--storage", "file:./pg");
        all.add(config);
        all.add(cli.ok("config", "--db", source.jdbcUrl(), "--storage", "file:./pg", "--json", "--verbose"));
        Cli.Result history = cli.ok("history", "--storage", "file:./pg", "--json");
        all.add(history);
        all.add(cli.ok("history", "--storage", "file:./pg", "--csv"));
        // A failure with --verbose prints the stack trace, still without the password.
        Cli.Result failed = cli.run("backup", "--storage", "file:./pg", "--db",
                source.jdbcUrl().replace(source.name(), "no_such_database"), "--db-user", source.user(), "--verbose");
        all.add(failed);
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(failed.err()).contains("backupkit: error: ").contains("\tat ");

        assertThat(config.out()).contains("db.password").contains("******").contains("env BACKUPKIT_DB_PASSWORD");
        for (Cli.Result r : all) {
            assertThat(r.out() + r.err()).as("password leaked:\n%s", r).doesNotContain(password);
        }
        // The history names the user, never the password.
        assertThat(history.out()).contains("cli:");
    }

    @Test
    void passwordFileAndWrongPassword(@Postgres15 TestDatabase source) throws Exception {
        try (Connection c = source.connect()) {
            Samples.createShop(c, 2, 2);
        }
        Path file = work.resolve("db-password");
        Files.writeString(file, source.password() + "\n");
        Cli cli = new Cli(work);
        Cli.Result config = cli.ok("config", "--db", source.jdbcUrl(), "--db-password-file", file.toString());
        assertThat(config.out()).contains("file " + file).doesNotContain(source.password());
        String id = cli.ok("backup", "--storage", "file:./pgf", "--db", source.jdbcUrl(), "--db-user", source.user(),
                "--db-password-file", file.toString(), "--quiet").out().strip();
        assertThat(id).contains("-database-");

        String wrong = "Wr0ng-" + source.password();
        Cli.Result denied = new Cli(work).env("BACKUPKIT_DB_PASSWORD", wrong).run("backup", "--storage", "file:./pgf",
                "--db", source.jdbcUrl(), "--db-user", source.user(), "--verbose");
        assertThat(denied.exit()).as(denied.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(denied.err()).contains("password authentication failed").doesNotContain(wrong);
        assertThat(cli.ok("list", "--storage", "file:./pgf", "--json").json()).hasSize(1);

        // Settings from a file and the environment, flags winning.
        Files.writeString(work.resolve("backupkit.yml"), "storage: file:./from-file\ndb:\n  url: " + source.jdbcUrl()
                + "\n  user: " + source.user() + "\n  password-file: " + file + "\n");
        Map<String, String> env = Map.of("BACKUPKIT_STORAGE", "file:./from-env");
        Cli fromEnv = new Cli(work);
        env.forEach(fromEnv::env);
        JsonNode eff = fromEnv.ok("config", "--json").json().get("settings");
        assertThat(eff.get("storage").get("value").asText()).isEqualTo("file:./from-env");
        assertThat(eff.get("storage").get("source").asText()).isEqualTo("env BACKUPKIT_STORAGE");
        assertThat(eff.get("db.user").get("source").asText()).startsWith("file ");
        assertThat(eff.get("db.password").get("value").asText()).isEqualTo("******");
        JsonNode flag = fromEnv.ok("config", "--json", "--storage", "file:./from-flag").json().get("settings");
        assertThat(flag.get("storage").get("value").asText()).isEqualTo("file:./from-flag");
        // and a backup using only the configuration file (+ env storage)
        String fromConfig = fromEnv.ok("backup", "--quiet").out().strip();
        assertThat(fromEnv.ok("list", "--json").json().get(0).get("id").asText()).isEqualTo(fromConfig);
        assertThat(work.resolve("from-env/backups").resolve(fromConfig)).isDirectory();

        Files.writeString(work.resolve("backupkit.yml"), "storage: file:./x\ndb:\n  password: hunter2\n");
        Cli.Result rejected = cli.expect(ExitCode.USAGE, "config");
        assertThat(rejected.err()).contains("db.password-file").doesNotContain("hunter2");
        Files.writeString(work.resolve("backupkit.yml"), "storag: file:./x\n");
        assertThat(cli.expect(ExitCode.USAGE, "list").err()).contains("unknown setting 'storag'");
        Files.delete(work.resolve("backupkit.yml"));
    }
}
