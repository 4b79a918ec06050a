package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names, notes and tags come from whoever made the backup: printed to a terminal, no escape sequence survives. */
class OutputSanitisingTest {
    @TempDir
    Path dir;

    @Test
    void showPrintsNoEscapeByteFromNotes() throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        String storage = "file:" + dir.resolve("store");
        run("--storage", storage, "backup", "--files", media.toString(), "--name", "n\u001b[2Jame",
                "--notes", "evil \u001b]0;x\u0007 notes", "--tag", "tag");
        String id = run("--storage", storage, "--json", "list").replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");

        String shown = run("--storage", storage, "show", id);
        String listed = run("--storage", storage, "list");

        assertThat(shown).contains("evil ]0;x notes");
        for (String out : new String[] {shown, listed}) {
            assertThat(out.chars().filter(c -> c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f).count())
                    .as("control characters in:\n" + out).isZero();
        }
    }

    @Test
    void onlyControlCharactersAreStripped() {
        assertThat(TerminalText.printable("a\u001b]0;x\u0007b\tc\nd\u007f\u0085é😀")).isEqualTo("a]0;xb\tc\ndé😀");
    }

    private String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main();
        main.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        main.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        main.environment = Map.of();
        main.workDir = dir;
        main.terminal = false;
        int exit = main.execute(args);
        assertThat(exit).as("exit of %s; stderr: %s", String.join(" ", args), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
