package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's database quickstart and its "Extending" provider are the example programs' code, character for
 * character (less the indentation); invoker runs those programs, so the README shows code that works.
 */
class ReadmeShowsTheExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("backupkit.repo.root", ".."));

    @Test
    void readmeShowsTheDatabaseQuickstartAsTheSqliteExampleRunsIt() throws IOException {
        assertReadmeShows("examples/sqlite/src/main/java/example/SqliteQuickstart.java", "database");
    }

    @Test
    void readmeShowsTheCustomStorageProviderAsTheContractTestsIt() throws IOException {
        assertReadmeShows("examples/custom-storage/src/main/java/example/FolderStorage.java", "extending");
    }

    @Test
    void readmeShowsTheContractTestOfTheCustomProvider() throws IOException {
        String test = Files.readString(ROOT.resolve("examples/custom-storage/src/test/java/example/FolderStorageTest.java"));
        String shown = test.substring(test.indexOf("class FolderStorageTest")).strip();
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains(shown);
    }

    private static void assertReadmeShows(String source, String block) throws IOException {
        String code = Files.readString(ROOT.resolve(source));
        String start = "// README:" + block + ":start\n";
        int from = code.indexOf(start);
        int to = code.indexOf("// README:" + block + ":end");
        assertThat(from).as("%s marks the README block '%s'", source, block).isNotNegative();
        List<String> lines = code.substring(from + start.length(), code.lastIndexOf('\n', to) + 1).lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        String expected = String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .as("README.md must show the '%s' block of %s exactly", block, source).contains(expected);
    }
}
