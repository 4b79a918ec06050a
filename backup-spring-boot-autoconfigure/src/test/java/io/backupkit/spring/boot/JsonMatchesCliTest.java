package io.backupkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupType;
import io.backupkit.spring.boot.web.BackupKitWebAutoConfiguration;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API's JSON field names equal the CLI's {@code --json} field names: the real {@code backupkit} command runs
 * against the same storage and every object's keys are compared, nested ones included.
 */
class JsonMatchesCliTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    @Test
    void everySharedShapeHasTheCliFieldNames() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "alpha");
        String storage = tmp.resolve("backups").toUri().toString();
        new WebApplicationContextRunner()
                .withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
                        HttpMessageConvertersAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
                        WebMvcAutoConfiguration.class, BackupKitAutoConfiguration.class, BackupKitWebAutoConfiguration.class))
                .withPropertyValues("backupkit.storage=" + storage, "backupkit.files.roots.media=" + media,
                        "backupkit.web.enabled=true", "backupkit.web.allow-anonymous=true")
                .run(ctx -> {
                    BackupEngine engine = ctx.getBean(BackupEngine.class);
                    BackupId id = engine.backup(BackupRequest.builder(BackupType.FILES).name("one").tag("t").build()).id();
                    engine.verify(id);
                    MockMvc mvc = MockMvcBuilders.webAppContextSetup(ctx).build();
                    String api = "/backupkit/api";

                    compare("list", cli(storage, "list"), rest(mvc, api + "/backups").get("items"));
                    compare("show", cli(storage, "show", id.value()), rest(mvc, api + "/backups/" + id));
                    compare("verify", cli(storage, "verify", id.value()), restPost(mvc, api + "/backups/" + id + "/verify", ""));
                    compare("stats", cli(storage, "stats"), rest(mvc, api + "/stats"));
                    compare("health", cli(storage, "health"), rest(mvc, api + "/health"));
                    compare("history", cli(storage, "history"), rest(mvc, api + "/history").get("items"));
                    compare("restore", cli(storage, "restore", id.value(), "--validate-only", "--force"),
                            restPost(mvc, api + "/backups/" + id + "/restore", "{\"validateOnly\":true}"));
                });
    }

    private static void compare(String what, JsonNode cli, JsonNode rest) {
        List<String> cliKeys = new ArrayList<>();
        List<String> restKeys = new ArrayList<>();
        keys("", cli, cliKeys);
        keys("", rest, restKeys);
        assertThat(cliKeys).as(what + ": the CLI printed fields").isNotEmpty();
        assertThat(new TreeSet<>(restKeys)).as(what + ": REST field names vs the CLI's --json").isEqualTo(new TreeSet<>(cliKeys));
    }

    /** Every field path, objects recursed, arrays by their first element. */
    private static void keys(String prefix, JsonNode node, List<String> out) {
        if (node.isArray()) {
            if (!node.isEmpty()) {
                keys(prefix + "[]", node.get(0), out);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.add(prefix + "." + e.getKey());
                if (!prefix.endsWith(".options") && !prefix.endsWith(".metadata")) {
                    keys(prefix + "." + e.getKey(), e.getValue(), out);
                }
            }
        }
    }

    private static JsonNode rest(MockMvc mvc, String path) throws Exception {
        var r = mvc.perform(get(path)).andReturn().getResponse();
        assertThat(r.getStatus()).as(path + ": " + r.getContentAsString()).isEqualTo(200);
        return JSON.readTree(r.getContentAsString(StandardCharsets.UTF_8));
    }

    private static JsonNode restPost(MockMvc mvc, String path, String body) throws Exception {
        var r = mvc.perform(post(path).contentType("application/json").content(body)).andReturn().getResponse();
        assertThat(r.getStatus()).as(path + ": " + r.getContentAsString()).isEqualTo(200);
        return JSON.readTree(r.getContentAsString(StandardCharsets.UTF_8));
    }

    /** Runs the real CLI in its own JVM (as a user would) and parses its --json output. */
    private JsonNode cli(String storage, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.backupkit.cli.Main", "--storage", storage, "--json"));
        cmd.addAll(List.of(command));
        File out = Files.createTempFile(tmp, "cli", ".json").toFile();
        Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out.toPath());
        assertThat(p.exitValue()).as(String.join(" ", command) + " -> " + text).isZero();
        String trimmed = text.strip();
        if (!trimmed.startsWith("{\"message_type\"")) {
            return JSON.readTree(trimmed);
        }
        // A long operation streams JSON lines (status lines, then a summary line holding the result's own fields).
        String[] lines = trimmed.split("\n");
        tools.jackson.databind.node.ObjectNode summary = (tools.jackson.databind.node.ObjectNode) JSON.readTree(lines[lines.length - 1]);
        assertThat(summary.get("message_type").asString()).isEqualTo("summary");
        summary.remove("message_type");
        return summary;
    }
}
