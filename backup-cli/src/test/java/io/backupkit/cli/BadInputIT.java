package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one line on stderr, the usage exit code, nothing on stdout, and changes nothing. */
class BadInputIT {
    @TempDir
    static Path work;
    private static Cli cli;
    private static String id;

    @BeforeAll
    static void oneBackup() throws Exception {
        cli = new Cli(work);
        Samples.createShop("jdbc:sqlite:" + work.resolve("shop.db"), 3, 5);
        Samples.createMedia(work.resolve("media"));
        id = cli.ok("backup", "--storage", "file:./store", "--db", "jdbc:sqlite:shop.db", "--files", "media", "--quiet")
                .out().strip();
        Files.createDirectories(work.resolve("a-directory"));
    }

    @Test
    void everyBadInputIsOneLineWithTheUsageCodeAndChangesNothing() throws Exception {
        List<List<String>> cases = List.of(
                List.of("frobnicate"),
                List.of("list", "--bogus", "--storage", "file:./store"),
                List.of("backup", "--db-password", "secret", "--storage", "file:./store"),
                List.of("show", "--storage", "file:./store"),
                List.of("restore", "--storage", "file:./store", "--force"),
                List.of("export", id, "--storage", "file:./store"),
                List.of("show", "../../etc", "--storage", "file:./store"),
                List.of("list", "--storage", "ht!tp:/bad"),
                List.of("list", "--storage", "nosuchscheme:x"),
                List.of("list", "--storage", "s3://"),
                List.of("list", "--storage", "file:./store", "--limit", "many"),
                List.of("import", "missing.tar", "--storage", "file:./store"),
                List.of("import", "a-directory", "--storage", "file:./store"),
                List.of("backup", "--storage", "file:./store", "--db", "jdbc:sqlite:shop.db", "--db-password-file", "nope.txt"),
                List.of("backup", "--storage", "file:./store", "--db", "jdbc:sqlite:typo.db"),
                List.of("backup", "--storage", "file:./store", "--db", "not-a-jdbc-url"),
                List.of("backup", "--storage", "file:./store", "--files", "no-such-dir"),
                List.of("backup", "--storage", "file:./store", "--files", "media", "--type", "everything"),
                List.of("backup", "--storage", "file:./store", "--db", "jdbc:postgresql://db/app?password=hunter2"),
                List.of("--config", "missing.yml", "list"),
                List.of("restore", id, "--storage", "file:./store", "--db", "jdbc:sqlite:shop.db"),
                List.of("export", id, "a-directory", "--storage", "file:./store"),
                List.of("cleanup", "--keep-daily", "-3", "--storage", "file:./store"));
        Map<String, String> before = Samples.tree(work);
        for (List<String> args : cases) {
            Cli.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s\n%s", args, r).isEqualTo(ExitCode.USAGE);
            assertThat(r.out()).as("%s", args).isEmpty();
            assertThat(r.errLines()).as("%s\n%s", args, r).singleElement().asString().startsWith("backupkit: ")
                    .doesNotContain("Exception").doesNotContain("hunter2");
        }
        assertThat(Samples.tree(work)).as("nothing changed").isEqualTo(before);
        assertThat(work.resolve("typo.db")).doesNotExist();
    }

    @Test
    void messagesSayWhatToDo() {
        assertThat(cli.run("frobnicate").err()).contains("unknown command 'frobnicate'").contains("backup, list");
        assertThat(cli.run("list", "--bogus").err()).contains("Unknown option: '--bogus'").contains("backupkit list --help");
        assertThat(cli.run("show", "--storage", "file:./store").err()).contains("Missing required parameter: 'ID'");
        assertThat(cli.run("list").err()).contains("no storage configured").contains("--storage");
        assertThat(cli.run("backup", "--storage", "file:./store", "--db", "jdbc:postgresql://db/app?password=hunter2").err())
                .contains("--db-password-file").contains("BACKUPKIT_DB_PASSWORD");
        assertThat(cli.run("import", "missing.tar", "--storage", "file:./store").err()).contains("no such file");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli.Result r = cli.expect(ExitCode.NOT_FOUND, "show", "20200101T000000Z-full-0000", "--storage", "file:./store",
                "--verbose");
        assertThat(r.err()).contains("backupkit: error: no backup with id").contains("\tat ");
        Cli.Result plain = cli.expect(ExitCode.NOT_FOUND, "show", "20200101T000000Z-full-0000", "--storage", "file:./store");
        assertThat(plain.errLines()).hasSize(1);
    }
}
