package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process checks of the pieces the jar tests cannot see directly: precedence, masking, parsing, the bar. */
class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void flagsWinOverEnvironmentOverFileOverDefaults() throws Exception {
        Files.writeString(dir.resolve("backupkit.properties"),
                "storage=file:./file\ndb.url=jdbc:sqlite:file.db\nfiles.dirs=a, b\ncompression.level=9\n");
        Map<String, Object> flags = new HashMap<>();
        flags.put("storage --storage", "file:./flag");
        Settings s = Settings.load(null, flags, Map.of("BACKUPKIT_STORAGE", "file:./env", "BACKUPKIT_DB_URL",
                "jdbc:sqlite:env.db"), dir);
        assertThat(s.get("storage")).contains("file:./flag");
        assertThat(s.value("storage").orElseThrow().source()).isEqualTo("flag --storage");
        assertThat(s.get("db.url")).contains("jdbc:sqlite:env.db");
        assertThat(s.list("files.dirs")).containsExactly("a", "b");
        assertThat(s.get("compression.level")).contains("9");
        assertThat(s.get("compression.codec")).contains("zstd");
        assertThat(s.value("compression.codec").orElseThrow().source()).isEqualTo("default");
    }

    @Test
    void passwordComesFromTheFileFlagThenTheEnvironmentAndIsNeverPrinted() throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\n");
        Map<String, Object> flags = new HashMap<>();
        Settings env = Settings.load(null, flags, Map.of("BACKUPKIT_DB_PASSWORD", "from-env"), dir);
        assertThat(env.password().orElseThrow().value()).isEqualTo("from-env");
        assertThat(env.password().orElseThrow().toString()).doesNotContain("from-env");
        flags.put("db.password-file --db-password-file", file.toString());
        Settings both = Settings.load(null, flags, Map.of("BACKUPKIT_DB_PASSWORD", "from-env"), dir);
        assertThat(both.password().orElseThrow().value()).isEqualTo("from-file");
        assertThat(both.describe()).noneSatisfy(row -> assertThat(String.join(" ", row)).contains("from-file"));
        assertThat(Settings.load(null, Map.of(), Map.of(), dir).password()).isEmpty();
    }

    @Test
    void secretsInUrlsAreRefusedAndMasked() {
        assertThat(Settings.containsSecret("jdbc:postgresql://h/db?user=a&password=x")).isTrue();
        assertThat(Settings.containsSecret("jdbc:mariadb://u:pw@h/db")).isTrue();
        assertThat(Settings.containsSecret("jdbc:postgresql://h:5432/db?ssl=true")).isFalse();
        assertThat(Settings.maskUrl("jdbc:postgresql://h/db?password=x&ssl=true")).isEqualTo("jdbc:postgresql://h/db?password=****&ssl=true");
        assertThat(Settings.maskUrl("jdbc:mariadb://u:pw@h/db")).isEqualTo("jdbc:mariadb://u:****@h/db");
        Map<String, Object> flags = new HashMap<>();
        flags.put("db.url --db", "jdbc:postgresql://h/db?password=hunter2");
        assertThatThrownBy(() -> Settings.load(null, flags, Map.of(), dir)).isInstanceOf(CliException.class)
                .hasMessageNotContaining("hunter2").hasMessageContaining("--db-password-file");
    }

    @Test
    void yamlIsFlattenedAndUnknownKeysRejected() throws Exception {
        Files.writeString(dir.resolve("backupkit.yml"), "storage: file:./b\nfiles:\n  dirs: [m1, m2]\n  exclude: ['cache/**']\n");
        Settings s = Settings.load(null, Map.of(), Map.of(), dir);
        assertThat(s.list("files.dirs")).containsExactly("m1", "m2");
        assertThat(s.list("files.exclude")).containsExactly("cache/**");
        Files.writeString(dir.resolve("backupkit.yml"), "files:\n  dir: m1\n");
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of(), dir)).hasMessageContaining("unknown setting 'files.dir'");
    }

    private long sizeOf(String text) {
        Map<String, Object> flags = new HashMap<>();
        flags.put("import.max-size --max-size", text);
        return Settings.load(null, flags, Map.of(), dir).size("import.max-size").orElseThrow();
    }

    @Test
    void durationsSizesAndExitCodes() {
        assertThat(Durations.parse("x", "1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.parse("x", "PT90M")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> Durations.parse("--keep-within", "soon")).hasMessageContaining("--keep-within 'soon'");
        // the library's one size syntax (DataSize): GB is 1000^3, GiB 1024^3
        assertThat(sizeOf("5GB")).isEqualTo(5_000_000_000L);
        assertThat(sizeOf("100MB")).isEqualTo(100_000_000L);
        assertThat(sizeOf("2GiB")).isEqualTo(2L << 30);
        assertThat(sizeOf("512")).isEqualTo(512);
        assertThatThrownBy(() -> sizeOf("lots")).hasMessageContaining("import.max-size 'lots' (flag --max-size)")
                .hasMessageContaining("MiB");
        assertThatThrownBy(() -> sizeOf("5G")).hasMessageContaining("is not a size");
        assertThat(ExitCode.of(ErrorCode.NOT_FOUND)).isEqualTo(3);
        assertThat(ExitCode.of(ErrorCode.INTEGRITY)).isEqualTo(4);
        assertThat(ExitCode.of(ErrorCode.INVALID_ARCHIVE)).isEqualTo(4);
        assertThat(ExitCode.of(ErrorCode.CONFIGURATION)).isEqualTo(2);
        assertThat(ExitCode.of(ErrorCode.CONFLICT)).isEqualTo(5);
        assertThat(ExitCode.of(ErrorCode.STORAGE)).isEqualTo(1);
        assertThat(List.of(ErrorCode.values())).allSatisfy(c -> assertThat(ExitCode.of(c)).isNotZero());
    }

    @Test
    void progressLineShowsBytesRowsRateAndEta() {
        BackupEvent.Progress p = new BackupEvent.Progress(Operation.BACKUP, Optional.empty(), Instant.now(), 50L << 20,
                OptionalLong.of(100L << 20), 12_345, 2, 7, 10 << 20, Optional.of(Duration.ofSeconds(65)));
        assertThat(ProgressReporter.line(p)).isEqualTo(
                "backup [############............]  50% 50.0 MiB / 100 MiB, 12,345 rows, 2 tables, 7 files, 10.0 MiB/s, ETA 1:05");
    }
}
