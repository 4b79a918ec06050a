package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void noBarWhenStdoutOrStderrIsAFileThoughTheOtherIsATerminal() throws Exception {
        for (String redirect : new String[] {" > redirected.log", " 2> redirected.log"}) {
            Terminal t = onTerminalWithShell("", redirect, "verify", id, "--storage", "file:./store");
            assertThat(t.exit()).as(t.output()).isZero();
            String log = Files.readString(work.resolve("redirected.log"), StandardCharsets.UTF_8);
            // the terminal itself turns each \n into \r\n: only a lone \r is a redrawn bar
            assertThat(log + t.output().replace("\r\n", "\n")).as("output with%s", redirect).doesNotContain("\r")
                    .doesNotContain("[#");
        }
    }

    @Test
    void noBarWithTermDumb() throws Exception {
        Terminal t = onTerminalWithShell("", "", "verify", id, "--storage", "file:./store");
        assertThat(t.output()).contains("\r");   // the same run on a real terminal draws it
        Terminal dumb = onTerminalWithShell("", "", "TERM=dumb", "verify", id, "--storage", "file:./store");
        assertThat(dumb.exit()).as(dumb.output()).isZero();
        assertThat(dumb.output()).doesNotContain("[#").contains("ok: " + id);
    }

    /** Every JDK on the machine from 17 (the test's own, and e.g. /usr/lib/jvm/*): redirected output has no bar. */
    @Test
    void redirectedOutputHasNoBarOnEveryInstalledJdk() throws Exception {
        List<Path> javas = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")));
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            jvms.map(j -> j.resolve("bin/java")).filter(Files::isExecutable).forEach(javas::add);
        } catch (java.io.IOException noJvmFolder) {
            // the test's own JDK only
        }
        for (Path java : javas) {
            Process p = new ProcessBuilder(java.toString(), "-jar", Cli.JAR.toString(), "verify", id, "--storage",
                    "file:./store").directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("jdk.log").toFile()).start();
            assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
            String log = Files.readString(work.resolve("jdk.log"), StandardCharsets.UTF_8);
            assertThat(log).as("%s: %s", java, log).contains("ok: " + id).doesNotContain("\r");
        }
    }

    record Terminal(int exit, String output) {
    }

    private static Terminal onTerminal(String input, String... args) throws Exception {
        return onTerminalWithShell(input, "", args);
    }

    /** As {@link #onTerminal}, with a shell redirect after the command, and an optional leading VAR=value. */
    private static Terminal onTerminalWithShell(String input, String redirect, String... args) throws Exception {
        String env = args.length > 0 && args[0].contains("=") ? args[0] + " " : "";
        String[] rest = env.isEmpty() ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        String command = env + Stream.concat(Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", Cli.JAR.toString()), Stream.of(rest))
                .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" ")) + redirect;
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
