package io.backupkit.core;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The kill tests' child JVM: the child blocks for good at the point it was told ({@link #stopIf}, printing
 * {@code BLOCKED <where>}); the parent ({@link #runUntilBlockedAndKill}) waits for that line and kills it with
 * SIGKILL, so recovery is tested at each point deterministically rather than by a lucky timing.
 */
final class ChildJvm {
    static final String BLOCKED = "BLOCKED ";

    private ChildJvm() {
    }

    /** In the child: ends it after two minutes whatever happens, so a broken test leaves no process behind. */
    static void startWatchdog() {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** In the child: if {@code condition}, says where it stopped and blocks until it is killed. */
    static void stopIf(boolean condition, String where) {
        if (!condition) {
            return;
        }
        System.out.println(BLOCKED + where);
        System.out.flush();
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(4);
    }

    /** In the parent: runs {@code mainClass} with this test JVM's class path, kills it once it blocked. */
    static void runUntilBlockedAndKill(Class<?> mainClass, Path tmp, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path childLog = Files.createTempFile(tmp, "child-stderr", ".log");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectError(childLog.toFile()).start();
        try {
            String stoppedAt = null;
            StringBuilder output = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; stoppedAt == null && (line = out.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.startsWith(BLOCKED)) {
                        stoppedAt = line;
                    }
                }
            }
            if (stoppedAt == null) {
                fail("the child ended (exit " + child.waitFor() + ") without stopping at " + List.of(args) + ":\n" + output
                        + Files.readString(childLog));
            }
            child.destroyForcibly().waitFor();
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly().waitFor();
            }
        }
    }
}
