package io.backupkit.testkit.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Process plumbing shared by the local servers: running tools, service users, PIDs, watchdogs, clean-up. */
final class ServerProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(ServerProcesses.class);
    /** Server directories are named {@code <engine>-<owner JVM pid>-<n>}. */
    private static final Pattern SERVER_DIR = Pattern.compile("^[a-z0-9]+-(\\d+)-\\d+$");
    static final String PID_FILE = "server.pid";

    private ServerProcesses() {
    }

    /** Where servers keep their data: {@code target/db-servers} unless {@code -Dbackupkit.test.servers.dir}. */
    static Path serversRoot() {
        return Path.of(System.getProperty("backupkit.test.servers.dir", "target/db-servers")).toAbsolutePath();
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static boolean userExists(String user) {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.anyMatch(l -> l.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The command, run as {@code user} when this JVM runs as root (servers refuse to run as root). */
    static List<String> asServiceUser(String user, List<String> command) {
        if (!isRoot()) {
            return command;
        }
        StringBuilder line = new StringBuilder("exec");
        for (String arg : command) {
            line.append(' ').append(shellQuote(arg));
        }
        return List.of("su", user, "-s", "/bin/sh", "-c", line.toString());
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Makes {@code user} own the (empty) directory when running as root. */
    static void giveTo(Path dir, String user) throws IOException {
        if (isRoot()) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Files.setOwner(dir, owner);
        }
    }

    /** Runs a tool to completion; its output goes to {@code log}; a non-zero exit throws with the output's tail. */
    static void run(List<String> command, Path log, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " did not finish within " + timeout + "; output:\n" + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                    + "; output:\n" + tail(log));
        }
    }

    /** The last lines of a log file, for error messages. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A new directory {@code <root>/<prefix>-<this JVM's pid>-<n>}. */
    static Path newServerDir(String prefix) throws IOException {
        Path root = serversRoot();
        Files.createDirectories(root);
        long self = ProcessHandle.current().pid();
        for (int n = 1; ; n++) {
            Path dir = root.resolve(prefix + "-" + self + "-" + n);
            try {
                return Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken by an earlier server of this JVM: try the next number
            }
        }
    }

    /**
     * Starts a process that outlives nothing: it waits for EOF on its stdin (a pipe whose only writer is this JVM,
     * so EOF comes when the JVM exits or dies), then stops the server and deletes its directory. {@code setsid}
     * keeps a Ctrl-C aimed at the build from killing the watchdog before it did its work.
     */
    static Process startWatchdog(long serverPid, String signal, Path dir) throws IOException {
        String script = "cat >/dev/null; kill -" + signal + " " + serverPid + " 2>/dev/null; i=0; "
                + "while kill -0 " + serverPid + " 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
                + "kill -9 " + serverPid + " 2>/dev/null; rm -rf " + shellQuote(dir.toString());
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of("sh", "-c", script));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Sends a signal and waits for the process to exit; kills it after {@code timeout}. */
    static void stop(long pid, String signal, Duration timeout) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
            handle.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("server process {} did not stop on SIG{} within {}; killing it", pid, signal, timeout, e);
            handle.get().destroyForcibly();
        }
    }

    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete test server directory " + dir, e);
        }
    }

    /**
     * Kills servers left behind by test JVMs that died (their directory's owner PID is gone) and deletes their
     * directories. A PID is only killed when its command line names that directory, so a recycled PID is safe.
     */
    static synchronized void cleanLeftovers() {
        cleanLeftovers(serversRoot());
    }

    static synchronized void cleanLeftovers(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                Matcher m = SERVER_DIR.matcher(dir.getFileName().toString());
                if (!m.matches() || isAlive(Long.parseLong(m.group(1)))) {
                    continue;
                }
                Path pidFile = dir.resolve(PID_FILE);
                if (Files.exists(pidFile)) {
                    long pid = Long.parseLong(Files.readString(pidFile).trim());
                    if (commandLine(pid).contains(dir.toString())) {
                        LOG.info("killing test server {} left behind by a previous run in {}", pid, dir);
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
                    }
                }
                deleteRecursively(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clean up old test servers under " + root, e);
        }
    }

    /** The process's command line with NULs as spaces, or empty when it does not exist. */
    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
