package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every documented setting means the same from a flag, a configuration file and a {@code BACKUPKIT_*} variable
 * ({@code backupkit config [COMMAND FLAGS]} shows them with their source), docs/CLI.md lists exactly the settings
 * the CLI reads, and the seeds' own spellings of keys are refused naming the key to use. Runs the CLI in-process.
 */
class SettingsSourcesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A valid value for every setting, as a user would write it. */
    private Map<String, String> values() throws Exception {
        Path pw = dir.resolve("db-password");
        Files.writeString(pw, "secret\n");
        Map<String, String> v = new LinkedHashMap<>();
        v.put("storage", "file:./backups");
        v.put("db.url", "jdbc:postgresql://db.example:5432/app");
        v.put("db.user", "app");
        v.put("db.password-file", pw.toString());
        v.put("no-progress-timeout", "15m");
        v.put("dumper", "pg_dump");
        v.put("files.dirs", "media=/srv/media, /srv/avatars");
        v.put("files.include", "**/*.jpg, **/*.png");
        v.put("files.exclude", "cache/**");
        v.put("files.one-file-system", "true");
        v.put("tables.include", "public.*");
        v.put("tables.exclude", "public.sessions");
        v.put("compression.codec", "gzip");
        v.put("compression.level", "6");
        v.put("backup.type", "full");
        v.put("backup.allow-incomplete", "true");
        v.put("backup.cleanup", "true");
        v.put("retention.keep-last", "5");
        v.put("retention.keep-within", "30d");
        v.put("retention.keep-daily", "7");
        v.put("retention.keep-weekly", "4");
        v.put("retention.keep-monthly", "12");
        v.put("retention.keep-yearly", "2");
        v.put("retention.max-count", "10");
        v.put("retention.max-size", "200GB");
        v.put("retention.per-type", "true");
        v.put("import.max-size", "5GB");
        v.put("schedule.enabled", "false");
        v.put("schedule.cron", "0 2 * * *");
        v.put("schedule.every", "6h");
        v.put("schedule.zone", "Europe/Berlin");
        v.put("schedule.job", "nightly");
        v.put("schedule.catch-up", "true");
        v.put("health.max-age", "2d");
        v.put("health.max-size", "500GiB");
        v.put("health.failed-runs", "3");
        v.put("actor", "nightly-job");
        assertThat(v.keySet()).as("a value for every setting").containsExactlyInAnyOrderElementsOf(Settings.KEYS);
        return v;
    }

    private record Run(int exit, String out, String err) {
        JsonNode settings() throws Exception {
            assertThat(exit).as(err).isZero();
            return JSON.readTree(out).get("settings");
        }
    }

    private Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main();
        main.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        main.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        main.environment = env;
        main.workDir = dir;
        main.terminal = false;
        int exit = main.execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The YAML a user writes: nested mappings, lists as lists. */
    private static String yaml(Map<String, String> values) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> {
            int dot = k.indexOf('.');
            String line = SettingKeys.find(k).orElseThrow().list() ? "[" + v + "]" : "'" + v + "'";
            if (dot < 0) {
                sb.append(k).append(": ").append(quoteList(line)).append('\n');
            } else {
                groups.computeIfAbsent(k.substring(0, dot), g -> new ArrayList<>())
                        .add("  " + k.substring(dot + 1) + ": " + quoteList(line));
            }
        });
        groups.forEach((g, lines) -> sb.append(g).append(":\n").append(String.join("\n", lines)).append('\n'));
        return sb.toString();
    }

    private static String quoteList(String line) {
        if (!line.startsWith("[")) {
            return line;
        }
        String inner = line.substring(1, line.length() - 1);
        List<String> quoted = new ArrayList<>();
        for (String item : inner.split(",\\s*")) {
            quoted.add("'" + item + "'");
        }
        return "[" + String.join(", ", quoted) + "]";
    }

    /** The command lines that give every setting that has a flag as a flag. */
    private static List<List<String>> flagCommandLines(Map<String, String> v) {
        List<String> backup = new ArrayList<>(List.of("config", "backup"));
        for (String key : List.of("storage", "db.url", "db.user", "db.password-file", "no-progress-timeout", "dumper", "compression.codec",
                "compression.level", "backup.type", "retention.keep-last", "retention.keep-within", "retention.keep-daily",
                "retention.keep-weekly", "retention.keep-monthly", "retention.keep-yearly", "retention.max-count",
                "retention.max-size")) {
            backup.add(SettingKeys.find(key).orElseThrow().flag());
            backup.add(v.get(key));
        }
        backup.add("--files");
        backup.addAll(List.of(v.get("files.dirs").split(",\\s*")));
        for (String key : List.of("files.include", "files.exclude")) {
            for (String glob : v.get(key).split(",\\s*")) {
                backup.addAll(List.of(SettingKeys.find(key).orElseThrow().flag(), glob));
            }
        }
        backup.addAll(List.of("--tables", v.get("tables.include"), "--exclude-tables", v.get("tables.exclude"),
                "--one-file-system", "--allow-incomplete", "--cleanup", "--per-type", "--json"));
        List<String> schedule = List.of("config", "schedule", "--storage", v.get("storage"), "--cron",
                v.get("schedule.cron"), "--every", v.get("schedule.every"), "--zone", v.get("schedule.zone"), "--job",
                v.get("schedule.job"), "--catch-up", "--json");
        List<String> imports = List.of("config", "import", "--storage", v.get("storage"), "--max-size",
                v.get("import.max-size"), "some.tar", "--json");
        List<String> health = List.of("config", "health", "--storage", v.get("storage"), "--max-age",
                v.get("health.max-age"), "--max-size", v.get("health.max-size"), "--failed-runs",
                v.get("health.failed-runs"), "--json");
        return List.of(backup, schedule, imports, health);
    }

    @Test
    void aFileTheEnvironmentAndTheFlagsGiveTheSameEffectiveSettings() throws Exception {
        Map<String, String> v = values();
        Files.writeString(dir.resolve("backupkit.yml"), yaml(v));
        JsonNode fromFile = run(Map.of(), "config", "--json").settings();
        Files.delete(dir.resolve("backupkit.yml"));

        Map<String, String> env = new HashMap<>();
        v.forEach((k, value) -> env.put(Settings.envName(k), value));
        JsonNode fromEnv = run(env, "config", "--json").settings();

        Map<String, JsonNode> fromFlags = new TreeMap<>();
        for (List<String> line : flagCommandLines(v)) {
            JsonNode s = run(Map.of(), line.toArray(String[]::new)).settings();
            s.fields().forEachRemaining(e -> {
                if (e.getValue().get("source").asText().startsWith("flag")) {
                    fromFlags.put(e.getKey(), e.getValue());
                }
            });
        }

        for (SettingKeys.Key key : SettingKeys.ALL) {
            String expected = String.join(", ", v.get(key.key()).split(",\\s*"));
            assertThat(fromFile.get(key.key()).get("value").asText()).as("file " + key.key()).isEqualTo(expected);
            assertThat(fromFile.get(key.key()).get("source").asText()).startsWith("file ");
            assertThat(fromEnv.get(key.key()).get("value").asText()).as("env " + key.key()).isEqualTo(expected);
            assertThat(fromEnv.get(key.key()).get("source").asText()).isEqualTo("env " + key.env());
            if (!key.flag().isEmpty()) {
                assertThat(fromFlags).as("flag of " + key.key()).containsKey(key.key());
                assertThat(fromFlags.get(key.key()).get("value").asText()).as("flag " + key.key()).isEqualTo(expected);
                assertThat(fromFlags.get(key.key()).get("source").asText()).isEqualTo("flag " + key.flag());
            }
        }
        // the password itself comes from the file named by db.password-file, masked in every case
        assertThat(fromFile.get("db.password").get("value").asText()).isEqualTo("******");
    }

    @Test
    void docsListEverySettingWithItsFlagAndVariable() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "CLI.md"));
        Matcher row = Pattern.compile("(?m)^\\| (`[^|]*`|—) \\| `([a-z.-]+)` \\| `(BACKUPKIT_[A-Z_]+)` \\|").matcher(docs);
        Map<String, String[]> documented = new LinkedHashMap<>();
        while (row.find()) {
            documented.put(row.group(2), new String[] {row.group(1), row.group(3)});
        }
        assertThat(documented.keySet()).containsExactlyElementsOf(Settings.KEYS);
        for (SettingKeys.Key key : SettingKeys.ALL) {
            String[] d = documented.get(key.key());
            assertThat(d[0]).as(key.key()).isEqualTo(key.flag().isEmpty() ? "—" : "`" + key.flag() + "`");
            assertThat(d[1]).as(key.key()).isEqualTo(key.env());
        }
    }

    @Test
    void theSeedsSpellingsOfKeysAreRefusedNamingTheKeyToUse() throws Exception {
        Map<String, String> cases = Map.of(
                "retention-days: 30\n", "retention.keep-within: 30d",
                "backup_retention_days: 7\n", "retention.keep-within",
                "max_backup_files: 10\n", "retention.max-count: 10",
                "auto_backup_enabled: true\n", "schedule.enabled",
                "max_upload_size: 5368709120\n", "import.max-size",
                "auto_cleanup: true\n", "backup.cleanup: true",
                "retention:\n  days: 30\n", "retention.keep-within");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(dir.resolve("backupkit.yml"), "storage: file:./b\n" + c.getKey());
            Run r = run(Map.of(), "config");
            assertThat(r.exit()).as(c.getKey()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(c.getKey()).contains("unknown setting").contains("use " + c.getValue());
        }
    }

    @Test
    void configuredRetentionCleansUpAfterEachBackupAndTheImportLimitIsABoundInDecimalUnits() throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "x".repeat(5000));
        Files.writeString(dir.resolve("backupkit.yml"), "storage: 'file:" + dir.resolve("b") + "'\nfiles:\n  dirs: ['" + media + "']\nbackup:\n"
                + "  cleanup: true\nretention:\n  keep-last: 1\nimport:\n  max-size: 2KB\n");
        Run first = run(Map.of(), "backup");
        assertThat(first.exit()).as(first.err()).isZero();
        Run second = run(Map.of(), "backup");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).contains("clean-up: deleted 1 backup(s)");
        JsonNode list = JSON.readTree(run(Map.of(), "list", "--json").out());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("id").asText()).isEqualTo(second.out().strip());

        String copy = dir.resolve("copy.tar").toString();
        assertThat(run(Map.of(), "export", second.out().strip(), copy).exit()).isZero();
        long size = Files.size(dir.resolve("copy.tar"));
        assertThat(size).isBetween(2001L, 2048L * 1000);
        Run refused = run(Map.of(), "import", copy);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("2000");
        assertThat(run(Map.of("BACKUPKIT_IMPORT_MAX_SIZE", "1GB"), "import", copy, "--storage",
                "file:" + dir.resolve("elsewhere")).exit()).isZero();

        // automatic clean-up without a rule is refused before anything is backed up
        Files.writeString(dir.resolve("backupkit.yml"), "storage: 'file:" + dir.resolve("b") + "'\nfiles:\n  dirs: ['" + media + "']\nbackup:\n"
                + "  cleanup: true\n");
        Run noRule = run(Map.of(), "backup");
        assertThat(noRule.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(noRule.err()).contains("no retention rule is set");
    }
}
