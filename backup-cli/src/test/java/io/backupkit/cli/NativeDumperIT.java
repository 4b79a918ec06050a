package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database's own tools as the dumper ({@code --dumper pg_dump|mariadb-dump}, or {@code dumper:} in the
 * configuration file), against real servers: the backup is written by the tool, and restores through the CLI with
 * no dumper option at all (the manifest names the dumper), with the password from the environment.
 */
@ExtendWith(DatabaseServers.class)
class NativeDumperIT {
    @TempDir
    Path work;

    @Test
    void aPgDumpBackupRestoresThroughTheCli(@Postgres15 TestDatabase source, @Postgres15 TestDatabase target)
            throws Exception {
        try (Connection c = source.connect()) {
            Samples.createShop(c, 10, 30);
        }
        Cli cli = new Cli(work).env("BACKUPKIT_DB_PASSWORD", source.password());
        String id = cli.ok("backup", "--storage", "file:./pg", "--db", source.jdbcUrl(), "--db-user", source.user(),
                "--type", "database", "--dumper", "pg_dump").out().strip();
        assertThat(cli.ok("show", id, "--storage", "file:./pg", "--json").json().get("database").get("dumper").asText())
                .isEqualTo("pg_dump");

        cli.ok("restore", id, "--storage", "file:./pg", "--db", target.jdbcUrl(), "--db-user", target.user(), "--force");
        try (Connection a = source.connect(); Connection b = target.connect()) {
            assertThat(Samples.fingerprint(b)).isEqualTo(Samples.fingerprint(a));
        }
    }

    @Test
    void aMariaDbDumpBackupFromTheConfigurationFileRestoresThroughTheCli(@MariaDb TestDatabase source,
                                                                         @MariaDb TestDatabase target) throws Exception {
        try (Connection c = source.connect()) {
            Samples.createShop(c, 10, 30);
        }
        Files.writeString(work.resolve("backupkit.yml"), "storage: file:./maria\ndumper: mariadb-dump\n");
        Cli cli = new Cli(work).env("BACKUPKIT_DB_PASSWORD", source.password());
        String id = cli.ok("backup", "--create", "--db", source.jdbcUrl(), "--db-user", source.user(), "--type",
                "database").out().strip();
        assertThat(cli.ok("show", id, "--json").json().get("database").get("dumper").asText()).isEqualTo("mariadb-dump");

        Files.delete(work.resolve("backupkit.yml"));
        cli.ok("restore", id, "--storage", "file:./maria", "--db", target.jdbcUrl(), "--db-user", target.user(),
                "--force");
        try (Connection a = source.connect(); Connection b = target.connect()) {
            assertThat(Samples.fingerprint(b)).isEqualTo(Samples.fingerprint(a));
        }
    }

    @Test
    void aMissingToolOrAWrongDatabaseIsAClearErrorAndNothingIsWritten(@Postgres15 TestDatabase source) throws Exception {
        Cli noTools = new Cli(work).env("BACKUPKIT_DB_PASSWORD", source.password()).env("PATH", "/nonexistent");
        Cli.Result missing = noTools.expect(ExitCode.USAGE, "backup", "--storage", "file:./pg", "--db", source.jdbcUrl(),
                "--db-user", source.user(), "--type", "database", "--dumper", "pg_dump");
        assertThat(missing.err()).contains("pg_dump is not installed").contains("postgresql-client");
        assertThat(work.resolve("pg")).doesNotExist();

        Cli cli = new Cli(work).env("BACKUPKIT_DB_PASSWORD", source.password());
        Cli.Result wrong = cli.expect(ExitCode.USAGE, "backup", "--storage", "file:./pg", "--db", source.jdbcUrl(),
                "--db-user", source.user(), "--type", "database", "--dumper", "mariadb-dump");
        assertThat(wrong.err()).contains("MariaDB or MySQL databases only");
        Cli.Result unknown = cli.expect(ExitCode.USAGE, "backup", "--storage", "file:./pg", "--db", source.jdbcUrl(),
                "--db-user", source.user(), "--type", "database", "--dumper", "pgdump");
        assertThat(unknown.err()).contains("unknown dumper 'pgdump'").contains("builtin, pg_dump or mariadb-dump");
    }
}
