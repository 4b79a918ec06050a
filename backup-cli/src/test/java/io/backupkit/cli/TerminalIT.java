package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar on a terminal: util-linux {@code script} gives it a pseudo-terminal, as an interactive shell would.
 * Restore asks for confirmation and only "yes" goes ahead; progress is a bar redrawn in place.
 */
class TerminalIT {
    @TempDir
    static Path work;
    private static String id;

    @BeforeAll
    static void backup() throws Exception {
        Samples.createShop("jdbc:sqlite:" + work.resolve("shop.db"), 5, 10);
        Samples.createMedia(work.resolve("media"));
        id = new Cli(work).ok("backup", "--storage", "file:./store", "--db", "jdbc:sqlite:shop.db", "--files", "media",
                "--quiet").out().strip();
    }

    @Test
    void restoreAsksAndOnlyYesRestores() throws Exception {
        Map<String, String> original = Samples.fingerprint("jdbc:sqlite:" + work.resolve("shop.db"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work.resolve("shop.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM order_items");
        }
        Map<String, String> changed = Samples.fingerprint("jdbc:sqlite:" + work.resolve("shop.db"));
        String[] restore = {"restore", id, "--storage", "file:./store", "--db", "jdbc:sqlite:shop.db", "--only", "database"};

        Terminal no = onTerminal("no\n", restore);
        assertThat(no.exit()).as("declined: the documented cancelled code\n" + no.output()).isEqualTo(ExitCode.CANCELLED);
        assertThat(no.output()).contains("Restore backup " + id).contains("Type 'yes' to restore")
                .contains("restore cancelled: nothing was changed");
        assertThat(Samples.fingerprint("jdbc:sqlite:" + work.resolve("shop.db"))).isEqualTo(changed);

        Terminal yes = onTerminal("yes\n", restore);
        assertThat(yes.exit()).as(yes.output()).isZero();
        assertThat(yes.output()).contains("restored " + id);
        assertThat(Samples.fingerprint("jdbc:sqlite:" + work.resolve("shop.db"))).isEqualTo(original);
    }

    @Test
    void progressIsABarRedrawnInPlace() throws Exception {
        Terminal t = onTerminal("", "verify", id, "--storage", "file:./store");
        assertThat(t.exit()).as(t.output()).isZero();
        assertThat(t.output()).contains("\r").containsPattern("verify \\[[#.]{24}\\] +\\d+% ").contains("ok: " + id);
    }

    record Terminal(int exit, String output) {
    }

    private static Terminal onTerminal(String input, String... args) throws Exception {
        String command = Stream.concat(Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", Cli.JAR.toString()), Stream.of(args))
                .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        Path log = Files.createTempFile("terminal", ".log");
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", command, "/dev/null").directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BACKUPKIT_"));
        pb.environment().put("TERM", "xterm");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Terminal(p.exitValue(), output);
    }
}
