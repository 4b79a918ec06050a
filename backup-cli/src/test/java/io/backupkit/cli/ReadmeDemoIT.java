package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's first command, run verbatim from the project root: it builds the jar and the demo restores the data. */
class ReadmeDemoIT {
    private static final Path ROOT = Path.of(System.getProperty("backupkit.repo.root", "..")).toAbsolutePath().normalize();

    @Test
    void theFirstCommandOfTheReadmeRunsTheDemoToTheEnd() throws Exception {
        String command = firstCommand(Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8));
        assertThat(command).startsWith("mvn ").endsWith("java -jar backup-cli/target/backupkit.jar demo");
        Path demo = ROOT.resolve("backupkit-demo");
        boolean existed = Files.exists(demo);
        Path log = Files.createTempFile("readme-demo", ".log");
        try {
            Process p = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the demo finished").isTrue();
            String output = Files.readString(log);
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("== 2. Back up database and files (FULL)")
                    .contains("$ backupkit restore ")
                    .contains("Data and files are back")
                    .doesNotContain("DIFFERENT");
        } finally {
            Files.deleteIfExists(log);
            if (!existed) {
                deleteTree(demo);
            }
        }
    }

    /** The first line of the first fenced shell block in the README. */
    static String firstCommand(List<String> readme) {
        boolean inBlock = false;
        for (String line : readme) {
            if (line.startsWith("```")) {
                if (inBlock) {
                    break;
                }
                inBlock = line.startsWith("```sh") || line.startsWith("```bash") || line.startsWith("```shell");
                continue;
            }
            if (inBlock && !line.isBlank()) {
                return line.strip();
            }
        }
        throw new AssertionError("README.md has no shell block");
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
