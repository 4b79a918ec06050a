package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Day-2 operations through the jar (issue 16): statuses, retention protections, confirmations, messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsIT {
    @TempDir
    static Path work;
    private Cli cli;

    @BeforeAll
    void sample() throws Exception {
        cli = new Cli(work);
        Samples.createShop("jdbc:sqlite:" + work.resolve("shop.db"), 5, 10);
        Samples.createMedia(work.resolve("media"));
    }

    private String backup(String storage, String... more) {
        List<String> args = new ArrayList<>(List.of("backup", "--storage", storage, "--quiet"));
        args.addAll(List.of(more));
        return cli.ok(args.toArray(String[]::new)).out().strip();
    }

    private static JsonNode byId(JsonNode list, String id) {
        for (JsonNode b : list) {
            if (b.get("id").asText().equals(id)) {
                return b;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    @Test
    void aOneTableRestoresSafetyBackupNeverDisplacesTheFullBackup() {
        String s = "file:./retention";
        String full = backup(s, "--db", "jdbc:sqlite:shop.db", "--files", "media", "--name", "full nightly");
        cli.ok("restore", full, "--storage", s, "--db", "jdbc:sqlite:shop.db", "--only", "database", "--tables",
                "customers", "--force", "--quiet");
        JsonNode list = cli.ok("list", "--storage", s, "--json").json();
        assertThat(list).hasSize(2);
        // item 8: --name full matches the full backup only, not the safety backup taken before restoring it
        JsonNode named = cli.ok("list", "--storage", s, "--json", "--name", "full").json();
        assertThat(named).singleElement().satisfies(b -> assertThat(b.get("id").asText()).isEqualTo(full));
        // item 1
        Cli.Result plan = cli.ok("cleanup", "--storage", s, "--keep-within", "1s", "--dry-run");
        assertThat(plan.out()).contains("delete 1").containsPattern(full + " .*newest successful backup");
        assertThat(plan.out().lines().filter(l -> l.contains("-safety-")).findFirst().orElseThrow())
                .doesNotContain("newest");
        // item 2: count-based rules count across types (older full, database, newer full), unless --per-type
        backup(s, "--db", "jdbc:sqlite:shop.db", "--type", "database");
        backup(s, "--db", "jdbc:sqlite:shop.db", "--files", "media");
        JsonNode last = cli.ok("cleanup", "--storage", s, "--keep-last", "2", "--dry-run", "--json").json();
        assertThat(last.get("delete")).as(last.toString()).singleElement()
                .satisfies(d -> assertThat(d.get("id").asText()).isEqualTo(full));
        JsonNode perType = cli.ok("cleanup", "--storage", s, "--keep-last", "2", "--per-type", "--dry-run", "--json").json();
        assertThat(perType.get("delete")).as(perType.toString()).isEmpty();
        // item 6: stats' last success is the backup asked for, not a safety backup
        JsonNode stats = cli.ok("stats", "--storage", s, "--json").json();
        assertThat(stats.get("lastSuccess").get("options").get("type").asText()).isNotEqualTo("SAFETY");
        assertThat(stats.get("backupsByType").get("SAFETY").asLong()).isEqualTo(1);
    }

    @Test
    void damageShowsInListHealthAndHistoryAndAReImportIsVerifiedAgain() throws Exception {
        String s = "file:./damage";
        String id = backup(s, "--files", "media");
        cli.ok("export", id, "copy.tar", "--storage", s, "--quiet");
        JsonNode fresh = byId(cli.ok("list", "--storage", s, "--json").json(), id);
        assertThat(fresh.get("state").get("integrity").asText()).isEqualTo("UNVERIFIED");
        assertThat(fresh.get("files").asLong()).as("directories are not files").isEqualTo(3);
        Path archive = work.resolve("damage/backups").resolve(id).resolve("files/files.tar.zst");
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        cli.expect(ExitCode.INTEGRITY, "verify", id, "--storage", s);
        assertThat(cli.ok("list", "--storage", s).out()).contains("DAMAGED");
        JsonNode damaged = byId(cli.ok("list", "--storage", s, "--json").json(), id);
        assertThat(damaged.get("state").get("problems").get(0).asText()).startsWith("files/files.tar.zst");
        Cli.Result health = cli.expect(ExitCode.UNHEALTHY, "health", "--storage", s);
        assertThat(health.out()).contains("DAMAGED_BACKUP").contains(id);
        JsonNode verify = cli.ok("history", "--storage", s, "--json", "--operation", "verify", "--limit", "1").json();
        assertThat(verify.get(0).get("status").asText()).isEqualTo("FAILED");
        assertThat(verify.get(0).get("error").asText()).contains("files/files.tar.zst");

        cli.ok("delete", id, "--storage", s, "--force", "--quiet");
        cli.ok("import", "copy.tar", "--storage", s, "--quiet");
        cli.ok("verify", id, "--storage", s);
        assertThat(cli.ok("list", "--storage", s).out()).contains("verified").doesNotContain("DAMAGED");
        assertThat(cli.ok("show", id, "--storage", s).out()).contains("status:    verified");
        cli.ok("health", "--storage", s);

        // item 5: a dry run is named as such in the history
        cli.ok("restore", id, "--storage", s, "--files-to", "dry", "--validate-only", "--quiet");
        assertThat(cli.ok("history", "--storage", s, "--operation", "restore").out()).contains("restore (dry run)");
    }

    @Test
    void badCombinationsAndUnconfirmedDeletionsAreUsageErrorsWithTheErrorPrefix() throws Exception {
        String s = "file:./usage";
        String id = backup(s, "--db", "jdbc:sqlite:shop.db", "--files", "media");
        Files.createDirectories(work.resolve("usage/backups/20200101T000000Z-full-dead/db"));
        Files.writeString(work.resolve("usage/backups/20200101T000000Z-full-dead/db/x"), "partial");
        Path kept = work.resolve("kept");
        Files.createDirectories(kept);
        Files.writeString(kept.resolve("local.txt"), "mine");
        List<List<String>> cases = List.of(
                List.of("restore", id, "--storage", s, "--only", "files", "--files-to", "kept", "--keep-existing", "--force"),
                List.of("restore", id, "--storage", s, "--db", "jdbc:sqlite:shop.db", "--only", "database",
                        "--files-to", "kept", "--force"),
                List.of("delete", id, "--storage", s),
                List.of("cleanup", "--interrupted", "--storage", s),
                List.of("list", "--storage", "file:./no-such-storage"),
                List.of("schedule", "--storage", s, "--files", "media", "--cron", "*/10 * * * * *"),
                List.of("list", "--bogus", "--storage", s));
        for (List<String> args : cases) {
            Cli.Result r = cli.expect(ExitCode.USAGE, args.toArray(String[]::new));
            assertThat(r.errLines()).as("%s", args).singleElement().asString().startsWith("backupkit: error: ");
        }
        assertThat(cli.run("restore", id, "--storage", s, "--only", "files", "--files-to", "kept", "--keep-existing")
                .err()).contains("--files-mode merge");
        assertThat(cli.run("schedule", "--storage", s, "--files", "media", "--cron", "*/10 * * * * *").err())
                .contains("6 fields");
        assertThat(Files.readString(kept.resolve("local.txt"))).isEqualTo("mine");
        assertThat(cli.ok("list", "--storage", s, "--json").json()).hasSize(1);
        assertThat(work.resolve("no-such-storage")).doesNotExist();
        cli.ok("list", "--storage", "file:./new-storage", "--create");

        Cli.Result dry = cli.ok("cleanup", "--interrupted", "--dry-run", "--storage", s);
        assertThat(dry.out()).contains("would remove interrupted backup 20200101T000000Z-full-dead");
        assertThat(work.resolve("usage/backups/20200101T000000Z-full-dead")).exists();
        cli.ok("cleanup", "--interrupted", "--force", "--storage", s);
        assertThat(work.resolve("usage/backups/20200101T000000Z-full-dead")).doesNotExist();
    }

    @Test
    void healthMessagesAndExitCodes() throws Exception {
        String s = "file:./health";
        backup(s, "--files", "media");
        Thread.sleep(1100);
        Cli.Result stale = cli.expect(ExitCode.UNHEALTHY, "health", "--storage", s, "--max-age", "1s");
        assertThat(stale.out()).contains("older than 1 second");
        assertThat(cli.expect(ExitCode.UNHEALTHY, "health", "--storage", "file:./not-there").out())
                .contains("STORAGE_UNREACHABLE");
    }

    @Test
    void helpNamesTheJobFlagAndNoCommandDescriptionIsCut() {
        assertThat(cli.ok("schedule", "--help").out()).contains("(--job NAME)").doesNotContain("(--name)");
        // one entry per command; picocli wraps long ones onto indented continuation lines
        List<String> commandLines = new ArrayList<>();
        cli.ok("--help").out().lines().dropWhile(l -> !l.startsWith("Commands:")).skip(1).takeWhile(l -> !l.isBlank())
                .forEach(l -> {
                    if (l.startsWith("    ") && !commandLines.isEmpty()) {
                        commandLines.set(commandLines.size() - 1, commandLines.get(commandLines.size() - 1) + " " + l.strip());
                    } else {
                        commandLines.add(l);
                    }
                });
        assertThat(commandLines).isNotEmpty().allSatisfy(l -> assertThat(l.strip()).endsWith("."));
    }
}
