package io.backupkit.storage.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** A child JVM that lives until {@link #end()}: its process id and start time are those of a real, other process. */
final class ChildProcess implements AutoCloseable {
    private final Process process;

    private ChildProcess(Process process) {
        this.process = process;
    }

    static ChildProcess start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                WaitsForInput.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new ChildProcess(process);
    }

    long pid() {
        return process.pid();
    }

    Instant startedAt() {
        return process.info().startInstant().orElseThrow(() -> new IllegalStateException(
                "this platform does not report process start times"));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the child by closing its input and waits until it has exited, so its process id is free. */
    void end() throws IOException, InterruptedException {
        process.getOutputStream().close();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("the child JVM exited with " + exit);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
