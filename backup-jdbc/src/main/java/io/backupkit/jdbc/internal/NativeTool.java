package io.backupkit.jdbc.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import io.backupkit.api.CancelledException;

/**
 * Runs a native database tool (pg_dump, pg_restore, ...) safely: credentials only through a 0600 file named in the
 * environment, never the command line; stdin fed, stdout streamed and stderr collected on their own threads so
 * neither pipe can fill up and block the tool; the exit code checked, with the tail of stderr in the exception; a
 * timeout that kills the tool.
 */
public final class NativeTool {
    private static final int STDERR_TAIL = 8192;

    private NativeTool() {
    }

    /** A file only the owner can read, holding {@code content}; the caller deletes it. */
    public static Path secretFile(String prefix, String content) throws IOException {
        Path file = Files.createTempFile(prefix, ".secret",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Runs the command to completion.
     *
     * @param environment extra environment variables (e.g. {@code PGPASSFILE}); nothing secret goes in arguments
     * @param stdin       fed to the tool's standard input, or null for none
     * @param stdout      receives the tool's standard output, or null to discard it
     * @param code        the error code of the exception on failure
     */
    public static void run(List<String> command, Map<String, String> environment, InputStream stdin,
                           OutputStream stdout, Duration timeout, ErrorCode code) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.equals("PGPASSWORD") || k.equals("MYSQL_PWD"));
        pb.environment().putAll(environment);
        if (stdout == null) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        String tool = Path.of(command.get(0)).getFileName().toString();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new BackupException(ErrorCode.CONFIGURATION, "cannot run " + command.get(0) + ": " + e.getMessage()
                    + ". Install the database client tools or configure their directory.", e);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicReference<Throwable> pumpFailure = new AtomicReference<>();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errReader = start(tool + "-stderr", () -> {
            byte[] buf = new byte[4096];
            InputStream err = p.getErrorStream();
            for (int n; (n = err.read(buf)) >= 0; ) {
                synchronized (stderr) {
                    stderr.write(buf, 0, n);
                    if (stderr.size() > 4 * STDERR_TAIL) { // keep the tail only: memory stays bounded
                        byte[] all = stderr.toByteArray();
                        stderr.reset();
                        stderr.write(all, all.length - STDERR_TAIL, STDERR_TAIL);
                    }
                }
            }
            return null;
        }, pumpFailure);
        Thread inWriter = start(tool + "-stdin", () -> {
            try (OutputStream toTool = p.getOutputStream()) {
                if (stdin != null) {
                    stdin.transferTo(toTool);
                }
            }
            return null;
        }, pumpFailure);
        Thread killer = start(tool + "-timeout", () -> {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut.set(true);
                p.destroyForcibly();
            }
            return null;
        }, new AtomicReference<>());
        Throwable outFailure = null;
        try {
            if (stdout != null) {
                p.getInputStream().transferTo(stdout);
            }
            p.waitFor();
            errReader.join();
            inWriter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new CancelledException("interrupted while " + tool + " was running", e);
        } catch (IOException | RuntimeException e) {
            outFailure = e;
            p.destroyForcibly();
        } finally {
            killer.interrupt();
        }
        String tail;
        synchronized (stderr) {
            tail = tail(stderr.toString(StandardCharsets.UTF_8));
        }
        if (timedOut.get()) {
            throw new BackupException(code, tool + " did not finish within " + timeout + " and was killed; its last"
                    + " messages: " + tail);
        }
        if (outFailure instanceof BackupException be) {
            throw be;
        }
        if (outFailure != null) {
            throw new BackupException(code, "streaming the output of " + tool + " failed: " + outFailure.getMessage(),
                    outFailure);
        }
        if (p.exitValue() != 0) {
            throw new BackupException(code, tool + " failed with exit code " + p.exitValue() + ": " + tail,
                    pumpFailure.get());
        }
        if (pumpFailure.get() instanceof BackupException be) {
            throw be;
        }
        if (pumpFailure.get() != null) {
            throw new BackupException(code, "feeding " + tool + " failed: " + pumpFailure.get().getMessage(),
                    pumpFailure.get());
        }
    }

    private static String tail(String text) {
        String t = text.strip();
        return t.isEmpty() ? "(no message)" : t.length() > 2000 ? "..." + t.substring(t.length() - 2000) : t;
    }

    private interface Body {
        Void run() throws Exception;
    }

    private static Thread start(String name, Body body, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "backupkit-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
