package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database URLs as users have them (postgres://, postgresql://, mysql://, mariadb://, sqlite:///, DATABASE_URL),
 * each backing up a real server through the jar; a password only ever from the environment.
 */
@ExtendWith(DatabaseServers.class)
class DatabaseUrlIT {
    @TempDir
    Path work;

    @Test
    void postgresAndPostgresqlUrlsConnect(@Postgres15 TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            Samples.createShop(c, 3, 7);
        }
        Cli cli = new Cli(work).env("BACKUPKIT_DB_PASSWORD", db.password());
        for (String scheme : new String[] {"postgres", "postgresql"}) {
            String url = url(scheme, db, false);
            String id = cli.ok("backup", "--storage", "file:./b", "--type", "database", "--db", url).out().strip();
            assertThat(rows(cli, id)).isEqualTo(3 + 7 + 14);
        }
    }

    @Test
    void mysqlAndMariadbUrlsConnect(@MariaDb TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            Samples.createShop(c, 4, 6);
        }
        Cli cli = new Cli(work).env("BACKUPKIT_DB_PASSWORD", db.password());
        for (String scheme : new String[] {"mysql", "mariadb"}) {
            String id = cli.ok("backup", "--storage", "file:./b", "--type", "database", "--db", url(scheme, db, false))
                    .out().strip();
            assertThat(rows(cli, id)).isEqualTo(4 + 6 + 12);
        }
    }

    @Test
    void sqliteUrlsAreRelativeWithThreeSlashesAndAbsoluteWithFour() throws Exception {
        Samples.createShop("jdbc:sqlite:" + work.resolve("shop.db"), 2, 5);
        Cli cli = new Cli(work);
        String relative = cli.ok("backup", "--storage", "file:./b", "--type", "database", "--db", "sqlite:///shop.db")
                .out().strip();
        assertThat(rows(cli, relative)).isEqualTo(2 + 5 + 10);
        String absolute = cli.ok("backup", "--storage", "file:./b", "--type", "database", "--db",
                "sqlite:///" + work.resolve("shop.db")).out().strip();
        assertThat(rows(cli, absolute)).isEqualTo(2 + 5 + 10);
        Cli.Result missing = cli.expect(ExitCode.USAGE, "backup", "--storage", "file:./b", "--type", "database",
                "--db", "sqlite:///nope.db");
        assertThat(missing.err()).contains("does not exist");
    }

    @Test
    void databaseUrlFromTheEnvironmentMayHoldThePasswordAndLosesToBackupkitDbUrlAndDb(@MariaDb TestDatabase db)
            throws Exception {
        try (Connection c = db.connect()) {
            Samples.createShop(c, 2, 3);
        }
        Samples.createShop("jdbc:sqlite:" + work.resolve("env.db"), 1, 1);
        Samples.createShop("jdbc:sqlite:" + work.resolve("flag.db"), 1, 2);
        Cli.Result wrong = new Cli(work).env("DATABASE_URL", url("mysql", db, true).replace(db.password(), "wrong"))
                .run("backup", "--storage", "file:./b", "--type", "database");
        assertThat(wrong.exit()).as("the password in DATABASE_URL is the one used").isNotEqualTo(ExitCode.OK);

        Cli cli = new Cli(work).env("DATABASE_URL", url("mysql", db, true));
        String id = cli.ok("backup", "--storage", "file:./b", "--type", "database").out().strip();
        assertThat(rows(cli, id)).isEqualTo(2 + 3 + 6);
        Cli.Result config = cli.ok("config", "--storage", "file:./b");
        assertThat(config.out()).contains("env DATABASE_URL").doesNotContain(db.password());

        cli.env("BACKUPKIT_DB_URL", "sqlite:///env.db");
        String fromBackupkit = cli.ok("backup", "--storage", "file:./b", "--type", "database").out().strip();
        assertThat(rows(cli, fromBackupkit)).isEqualTo(1 + 1 + 2);
        String fromFlag = cli.ok("backup", "--storage", "file:./b", "--type", "database", "--db", "sqlite:///flag.db")
                .out().strip();
        assertThat(rows(cli, fromFlag)).isEqualTo(1 + 2 + 4);
    }

    @Test
    void aPasswordInDbIsRefusedWithTheUsualMessage(@Postgres15 TestDatabase db) {
        Cli cli = new Cli(work);
        Cli.Result r = cli.expect(ExitCode.USAGE, "backup", "--storage", "file:./b", "--type", "database", "--db",
                url("postgres", db, true));
        assertThat(r.err()).contains("contains a password").contains("BACKUPKIT_DB_PASSWORD")
                .doesNotContain(db.password());
    }

    /** scheme://user[:password]@host:port/name from the test database's JDBC URL. */
    private static String url(String scheme, TestDatabase db, boolean withPassword) {
        URI jdbc = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        return scheme + "://" + db.user() + (withPassword ? ":" + db.password() : "") + "@" + jdbc.getHost() + ":"
                + jdbc.getPort() + jdbc.getPath();
    }

    private static long rows(Cli cli, String id) {
        return cli.ok("show", id, "--storage", "file:./b", "--json").json().get("database").get("totalRows").asLong();
    }
}
