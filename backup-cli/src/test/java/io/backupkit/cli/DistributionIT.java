package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backupkit-VERSION.tar.gz as a user gets it: unpacked, bin/backupkit run from a clean folder, shell completion. */
class DistributionIT {
    private static final Path ARCHIVE = Path.of(System.getProperty("backupkit.dist", "target/backupkit-dist.tar.gz"));

    @TempDir
    static Path unpacked;
    private static Path home;

    @TempDir
    Path work;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(ARCHIVE).as("the archive built in the package phase").isRegularFile();
        Run tar = run(unpacked, Map.of(), "tar", "xzf", ARCHIVE.toString());
        assertThat(tar.exit()).as(tar.toString()).isZero();
        try (var dirs = Files.list(unpacked)) {
            home = dirs.filter(d -> d.getFileName().toString().startsWith("backupkit-")).findFirst().orElseThrow();
        }
    }

    @Test
    void theArchiveHoldsLauncherJarLicenceSampleConfigurationAndCompletion() {
        assertThat(home.resolve("bin/backupkit")).isExecutable();
        assertThat(home.resolve("lib/backupkit.jar")).isRegularFile();
        assertThat(home.resolve("LICENSE")).content().contains("Apache License").contains("Version 2.0");
        assertThat(home.resolve("NOTICE")).isRegularFile();
        assertThat(home.resolve("backupkit.yml.sample")).content().contains("storage:").contains("db:");
        assertThat(home.resolve("completion/backupkit.bash")).isRegularFile();
        assertThat(home.resolve("completion/backupkit.zsh")).isRegularFile();
    }

    @Test
    void theDemoRunsInACleanFolderThroughTheLauncher() throws Exception {
        Run demo = run(work, Map.of("XDG_CACHE_HOME", work.resolve("cache").toString()), launcher(), "demo");
        assertThat(demo.exit()).as(demo.toString()).isZero();
        assertThat(demo.out() + demo.err()).contains("Data and files are back");
        assertThat(demo.out()).as("the hint names the launcher").contains("Next: " + launcher() + " show ");
        assertThat(work.resolve("backupkit-demo/shop.db")).isRegularFile();
        // the first real command left a class-data-sharing archive for the next start
        try (var cached = Files.list(work.resolve("cache/backupkit"))) {
            assertThat(cached.filter(f -> f.toString().endsWith(".jsa")).count()).isEqualTo(1);
        }
        Run list = run(work, Map.of("XDG_CACHE_HOME", work.resolve("cache").toString()), launcher(), "list",
                "--storage", "file:backupkit-demo/backups");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("full").doesNotContain("warning");
        assertThat(list.err()).doesNotContain("warning").doesNotContain("cds");
    }

    @Test
    void theLauncherUsesJavaHomeAndPassesJavaOpts() throws Exception {
        Run r = run(work, Map.of("JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS", "-XshowSettings:properties",
                "BACKUPKIT_CDS", "off"), launcher(), "--version");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("backupkit " + System.getProperty("backupkit.version", ""));
        assertThat(r.err()).as("JAVA_OPTS reached the JVM").contains("java.home = " + System.getProperty("java.home"));
        Run old = run(work, Map.of("JAVA_HOME", work.toString()), launcher(), "--version");   // no bin/java there
        assertThat(old.exit()).as(old.toString()).isZero();   // falls back to java on the PATH
    }

    @Test
    void bashCompletionCompletesCommandsAndOptions() throws Exception {
        String script = home.resolve("completion/backupkit.bash").toString();
        Run registered = run(work, Map.of(), "bash", "-c", "source '" + script + "'; complete -p backupkit");
        assertThat(registered.out()).contains("_complete_backupkit").contains("backupkit");

        assertThat(complete(script, "backupkit", "re")).containsExactly("restore", "recover");
        assertThat(complete(script, "backupkit", "")).contains("backup", "list", "restore", "verify", "demo",
                "completion");
        assertThat(complete(script, "backupkit", "restore", "--d")).contains("--db", "--dry-run", "--db-user");
    }

    @Test
    void zshCompletionRegistersAndCompletesThroughBashcompinit() throws Exception {
        boolean zsh = run(work, Map.of(), "sh", "-c", "command -v zsh").exit() == 0;
        if (!zsh) {
            assertThat(System.getenv("CI")).as("zsh is installed by .ci/run; missing under CI=true").isNotEqualTo("true");
            Assumptions.abort("zsh is not installed (apt-get install zsh)");
        }
        String script = home.resolve("completion/backupkit.zsh").toString();
        String init = "autoload -U compinit && compinit -u; source '" + script + "'; ";
        assertThat(run(work, Map.of(), "zsh", "-c", init + "print -- ${_comps[backupkit]}").out())
                .contains("_complete_backupkit");
        // what zsh's _bash_complete does: the bash function on COMP_WORDS (ksh arrays), zsh keeps the prefix matches
        String call = init + "setopt ksharrays; COMP_WORDS=(backupkit restore --d); COMP_CWORD=2;"
                + " COMP_LINE='backupkit restore --d'; COMP_POINT=21; _complete_backupkit 2>/dev/null;"
                + " print -l -- \"${COMPREPLY[@]}\"";
        List<String> offered = run(work, Map.of(), "zsh", "-c", call).out().lines()
                .filter(w -> w.startsWith("--d")).toList();
        assertThat(offered).contains("--db", "--dry-run", "--db-user");
    }

    /** The words the completion function offers for COMP_WORDS with the cursor on the last one. */
    private static List<String> complete(String script, String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(" '").append(w).append("'");
        }
        String line = String.join(" ", words);
        String bash = "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length()
                + "; _complete_backupkit 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Run r = run(Path.of("."), Map.of(), "bash", "-c", bash);
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    private static String launcher() {
        return home.resolve("bin/backupkit").toString();
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Run run(Path dir, Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile("dist-out", ".txt");
        Path err = Files.createTempFile("dist-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BACKUPKIT_") || k.equals("JAVA_OPTS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
