package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built jar ({@code target/backupkit.jar}) as a user would: {@code java -jar backupkit.jar ARGS} in a
 * working directory, stdin from /dev/null (not a terminal), a clean environment plus what the test adds.
 */
final class Cli {
    static final Path JAR = Path.of(System.getProperty("backupkit.cli.jar", "target/backupkit.jar")).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A class-data-sharing archive of the jar, made once per test JVM: each start is about a quarter faster. */
    private static final Path CDS = sharedArchive();

    private final Path workDir;
    private final Map<String, String> env = new HashMap<>();

    Cli(Path workDir) {
        this.workDir = workDir;
        assertThat(JAR).as("the jar built in the package phase").isRegularFile();
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** What one run gave. */
    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        /** A long operation's --json output: every stdout line one JSON object (restic's JSON lines). */
        List<JsonNode> jsonLines() {
            return out.lines().map(line -> {
                try {
                    return JSON.readTree(line);
                } catch (IOException e) {
                    throw new AssertionError("a stdout line is not JSON: " + line + "\n" + this, e);
                }
            }).toList();
        }

        /** The last JSON line, the summary holding the result object. */
        JsonNode summary() {
            List<JsonNode> lines = jsonLines();
            assertThat(lines).as("JSON lines of %s", this).isNotEmpty();
            JsonNode last = lines.get(lines.size() - 1);
            assertThat(last.path("message_type").asText()).as("the last line of %s", this).isEqualTo("summary");
            return last;
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        /** The error lines (progress lines aside). */
        List<String> errors() {
            return err.lines().filter(l -> l.startsWith("backupkit:") || l.startsWith("\tat ")
                    || l.contains("Exception")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(java(),
                // Start-up flags only; the command line is the user's.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:disable", "-Xlog:all=off"));
        if (CDS != null) {
            command.add("-XX:SharedArchiveFile=" + CDS);
        }
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("BACKUPKIT_") || k.startsWith("AWS_"));
        environment.putAll(env);
        try {
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("backupkit " + String.join(" ", args) + " did not finish");
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path sharedArchive() {
        try {
            Path archive = Files.createTempFile("backupkit-cli", ".jsa");
            Files.delete(archive);
            Process p = new ProcessBuilder(java(), "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:disable", "-jar",
                    JAR.toString(), "list", "--storage", "file:" + archive.getParent().resolve("cds-training"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(120, TimeUnit.SECONDS);
            if (Files.size(archive) > 0) {
                archive.toFile().deleteOnExit();
                return archive;
            }
        } catch (IOException | RuntimeException e) {
            // without the archive the jar only starts a little slower
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Runs and asserts the exit code, showing everything on failure. */
    Result ok(String... args) {
        Result r = run(args);
        assertThat(r.exit()).as("backupkit %s\n%s", String.join(" ", args), r).isZero();
        return r;
    }

    Result expect(int exit, String... args) {
        Result r = run(args);
        assertThat(r.exit()).as("backupkit %s\n%s", String.join(" ", args), r).isEqualTo(exit);
        return r;
    }
}
