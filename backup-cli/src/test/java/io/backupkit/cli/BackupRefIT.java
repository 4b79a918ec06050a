package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** latest, latest:TYPE and names wherever a command takes a backup (restic's and pgBackRest's habits). */
class BackupRefIT {
    @TempDir
    Path work;

    @Test
    void latestIsTheNewestCompleteBackupThatIsNoSafetyBackupAndNamesWorkWhenUnique() throws Exception {
        Cli cli = new Cli(work);
        String db = "jdbc:sqlite:" + work.resolve("shop.db");
        Samples.createShop(db, 5, 10);
        Samples.createMedia(work.resolve("media"));
        String database = backup(cli, "--type", "database", "--db", db, "--name", "before upgrade");
        String files = backup(cli, "--type", "files", "--files", "media", "--name", "nightly");

        assertThat(showId(cli, "latest")).isEqualTo(files);
        assertThat(showId(cli, "latest:database")).isEqualTo(database);
        assertThat(showId(cli, "LATEST:files")).isEqualTo(files);
        assertThat(showId(cli, "before upgrade")).isEqualTo(database);

        // restore by name: the deleted rows come back; the restore's safety backup is never "latest"
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM order_items");
        }
        cli.ok("restore", "before upgrade", "--storage", "file:./backups", "--db", db, "--force");
        assertThat(Samples.fingerprint(db).get("order_items")).isNotEmpty();
        String safety = showId(cli, "latest:safety");
        assertThat(safety).isNotIn(database, files);
        assertThat(showId(cli, "latest")).isEqualTo(files);
        cli.ok("verify", "latest", "--storage", "file:./backups");
        cli.ok("pin", "latest:database", "--storage", "file:./backups");
        assertThat(cli.ok("show", "latest:database", "--storage", "file:./backups", "--json").json()
                .get("id").asText()).isEqualTo(database);

        // history by name, and of a deleted backup by its id
        assertThat(cli.ok("history", "--backup", "before upgrade", "--storage", "file:./backups", "--json").json())
                .anySatisfy(r -> assertThat(r.get("operation").asText()).isEqualToIgnoringCase("restore"));
        cli.ok("delete", files, "--storage", "file:./backups", "--force");
        assertThat(cli.ok("history", "--backup", files, "--storage", "file:./backups", "--json").json())
                .anySatisfy(r -> assertThat(r.get("operation").asText()).isEqualToIgnoringCase("delete"));
        files = backup(cli, "--type", "files", "--files", "media", "--name", "nightly");

        // a name two backups share is refused, naming both
        String second = backup(cli, "--type", "files", "--files", "media", "--name", "nightly");
        Cli.Result ambiguous = cli.expect(ExitCode.USAGE, "restore", "nightly", "--storage", "file:./backups",
                "--force");
        assertThat(ambiguous.err()).contains("'nightly' is used by 2 backups").contains(files, second);

        Cli.Result missing = cli.expect(ExitCode.NOT_FOUND, "show", "no such name", "--storage", "file:./backups");
        assertThat(missing.err()).contains("no backup with the id or name 'no such name'");
        assertThat(cli.expect(ExitCode.USAGE, "show", "../x", "--storage", "file:./backups").err())
                .contains("backupkit: ");
        Cli.Result badType = cli.expect(ExitCode.USAGE, "show", "latest:everything", "--storage", "file:./backups");
        assertThat(badType.err()).contains("unknown backup type 'everything'").contains("latest:database");
    }

    @Test
    void latestInAnEmptyStorageSaysThereIsNone() throws Exception {
        Cli cli = new Cli(work);
        java.nio.file.Files.createDirectories(work.resolve("empty"));
        Cli.Result r = cli.expect(ExitCode.NOT_FOUND, "show", "latest:full", "--storage", "file:./empty");
        assertThat(r.err()).contains("there is no complete full backup in this storage yet");
    }

    private static String backup(Cli cli, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "backup";
        all[1] = "--storage";
        all[2] = "file:./backups";
        System.arraycopy(args, 0, all, 3, args.length);
        return cli.ok(all).out().strip();
    }

    private static String showId(Cli cli, String ref) {
        return cli.ok("show", ref, "--storage", "file:./backups", "--json").json().get("id").asText();
    }
}
