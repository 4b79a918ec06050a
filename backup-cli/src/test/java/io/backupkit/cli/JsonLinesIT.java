package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --json on long operations: restic-style JSON lines, status lines then one summary with the result object. */
class JsonLinesIT {
    @TempDir
    Path work;

    @Test
    void backupVerifyRestoreStreamStatusLinesAndEndWithTheResult() throws Exception {
        Samples.createShop("jdbc:sqlite:" + work.resolve("shop.db"), 20, 200);
        Samples.createMedia(work.resolve("media"));
        Files.write(work.resolve("media/big.bin"), new byte[8 << 20]);
        Cli cli = new Cli(work);

        Cli.Result backup = cli.ok("backup", "--storage", "file:./b", "--db", "sqlite:///shop.db", "--files", "media",
                "--json");
        List<JsonNode> lines = backup.jsonLines();
        assertThat(lines.get(0).get("message_type").asText()).isEqualTo("status");
        assertThat(lines.get(0).get("operation").asText()).isEqualTo("backup");
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> {
            assertThat(l.get("message_type").asText()).isEqualTo("status");
            assertThat(l.has("seconds_elapsed")).isTrue();
        });
        JsonNode summary = backup.summary();
        String id = summary.get("id").asText();
        assertThat(summary.get("type").asText()).isEqualToIgnoringCase("full");
        assertThat(backup.out()).doesNotContain("\r");
        assertThat(backup.err()).doesNotContain("\r");

        Cli.Result verify = cli.ok("verify", id, "--storage", "file:./b", "--json");
        assertThat(verify.jsonLines().get(0).get("operation").asText()).isEqualTo("verify");
        assertThat(verify.summary().get("ok").asBoolean()).isTrue();

        Cli.Result restore = cli.ok("restore", "latest", "--storage", "file:./b", "--db", "sqlite:///shop.db",
                "--dry-run", "--json");
        assertThat(restore.summary().get("validateOnly").asBoolean()).isTrue();
        assertThat(restore.summary().get("id").asText()).isEqualTo(id);

        // Not a long operation: one JSON document as before.
        assertThat(cli.ok("list", "--storage", "file:./b", "--json").json().isArray()).isTrue();
        // --quiet keeps the result, drops the status lines
        Cli.Result quiet = cli.ok("verify", id, "--storage", "file:./b", "--json", "--quiet");
        assertThat(quiet.jsonLines()).hasSize(1);
        assertThat(quiet.summary().get("ok").asBoolean()).isTrue();
    }

    @Test
    void deleteDryRunSaysWhatWouldGoAndKeepsIt() throws Exception {
        Samples.createMedia(work.resolve("media"));
        Cli cli = new Cli(work);
        String id = cli.ok("backup", "--storage", "file:./b", "--files", "media", "--quiet").out().strip();
        Cli.Result dry = cli.ok("delete", "latest", "--storage", "file:./b", "--dry-run");
        assertThat(dry.out()).contains("would delete " + id).contains("nothing was deleted");
        cli.ok("show", id, "--storage", "file:./b");
        cli.ok("delete", id, "--storage", "file:./b", "--validate-only");
        cli.ok("show", id, "--storage", "file:./b");
    }
}
