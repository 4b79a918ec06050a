package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchHelpersTest {

    @Test
    void parsesTimeOutputIncludingAFailureLine() {
        Sample s = Sample.fromTimeOutput("Command exited with non-zero status 1\n12.34 3.50 0.75 262144\n", 99, 1.5);
        assertThat(s.wallSeconds()).isEqualTo(12.34);
        assertThat(s.cpuSeconds()).isEqualTo(4.25);
        assertThat(s.serverCpuSeconds()).isEqualTo(1.5);
        assertThat(s.peakRssKb()).isEqualTo(262144);
        assertThat(s.outputBytes()).isEqualTo(99);
        assertThatThrownBy(() -> Sample.fromTimeOutput("garbage", 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        List<Sample> odd = List.of(wall(5), wall(1), wall(3));
        assertThat(Sample.median(odd, Sample::wallSeconds)).isEqualTo(3);
        List<Sample> even = List.of(wall(4), wall(1), wall(2), wall(10));
        assertThat(Sample.median(even, Sample::wallSeconds)).isEqualTo(3);
        assertThatThrownBy(() -> Sample.median(List.of(), Sample::wallSeconds))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void targetVerdicts() {
        assertThat(new Target("a", 0.5, 0.55, "").verdict()).isEqualTo("PASS");
        assertThat(new Target("a", 0.55, 0.55, "").verdict()).isEqualTo("PASS");
        assertThat(new Target("a", 0.56, 0.55, "").verdict()).isEqualTo("MISS");
        assertThat(new Target("a", 9, Double.NaN, "").verdict()).isEqualTo("(info)");
        assertThat(new Target("rss", 312.4, 300, "MB").ratioText()).isEqualTo("312 MB");
        assertThat(new Target("rss", 312.4, 300, "MB").limitText()).isEqualTo("<= 300 MB");
    }

    @Test
    void reportEscapesPipesInToolNames() {
        String md = Report.mediansTable(Map.of("MariaDB backup", Map.of("mariadb-dump | zstd -3", List.of(wall(2)))));
        assertThat(md).contains("| MariaDB backup | mariadb-dump \\| zstd -3 | 2.00 |");
        assertThat(Report.ratioTable(List.of(new Target("x / tar | zstd", 1.2, 1.1, ""))))
                .contains("| x / tar \\| zstd | 1.20 | <= 1.10 | MISS |");
    }

    @Test
    void handWrittenAnalysisSurvivesARerun() {
        String previous = "# Performance\n\n## Ratios\n| a |\n\n## Analysis\n\nwhy it is slow\n";
        assertThat(Report.keptAnalysis(previous)).isEqualTo("## Analysis\n\nwhy it is slow\n");
        assertThat(Report.keptAnalysis("# Performance\n\n## Ratios\n")).isEmpty();
    }

    @Test
    void mediaIsDeterministicAndWithinSizeBounds(@TempDir Path dir) throws IOException {
        DataGenerator generator = new DataGenerator(0.001);
        long first = generator.generateMedia(dir.resolve("a"));
        long second = generator.generateMedia(dir.resolve("b"));
        assertThat(first).isEqualTo(second).isPositive();
        try (Stream<Path> files = Files.walk(dir.resolve("a"))) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            assertThat(regular).hasSize(generator.mediaFiles());
            for (Path f : regular) {
                Path twin = dir.resolve("b").resolve(dir.resolve("a").relativize(f));
                assertThat(Files.mismatch(f, twin)).isEqualTo(-1L);
                assertThat(Files.size(f)).isBetween(1024L, 300L * 1024);
            }
        }
        assertThat(DataGenerator.fileSize(0)).isEqualTo(1024);
        assertThat(DataGenerator.fileSize(0.999999)).isLessThanOrEqualTo(300 * 1024);
    }

    @Test
    void scaleSetsRowCountsAndRejectsNonsense() {
        DataGenerator full = new DataGenerator(1);
        assertThat(full.accounts()).isEqualTo(5_000_000);
        assertThat(full.blobs()).isEqualTo(20_000);
        assertThat(full.mediaFiles()).isEqualTo(20_000);
        assertThat(full.branches()).isEqualTo(50);
        assertThat(new DataGenerator(0.1).accounts()).isEqualTo(500_000);
        assertThat(full.postgresScript()).anyMatch(sql -> sql.contains("generate_series(1, 5000000)"));
        assertThatThrownBy(() -> new DataGenerator(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataGenerator(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shellQuotingSurvivesQuotes() {
        assertThat(Bench.quote("/tmp/it's here")).isEqualTo("'/tmp/it'\\''s here'");
        assertThat(Bench.fmt(1.0)).isEqualTo("1");
        assertThat(Bench.fmt(0.05)).isEqualTo("0.05");
    }

    private static Sample wall(double seconds) {
        return new Sample(seconds, 0, 0, 0, 0);
    }
}
