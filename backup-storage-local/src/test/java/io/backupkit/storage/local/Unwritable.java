package io.backupkit.storage.local;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Makes a folder really unwritable for this process, and writable again on close. Permission bits are enough for
 * an ordinary user; root ignores them, so as root the folder is made immutable with {@code chattr +i}. If neither
 * works here, the test is skipped (it cannot be checked on such a machine).
 */
final class Unwritable {
    private final Path folder;
    private final boolean chattr;

    private Unwritable(Path folder, boolean chattr) {
        this.folder = folder;
        this.chattr = chattr;
    }

    static Unwritable make(Path folder) throws IOException {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!canWrite(folder)) {
            return new Unwritable(folder, false);
        }
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        boolean immutable = run("chattr", "+i", folder.toString()) && !canWrite(folder);
        assumeThat(immutable).as("can make " + folder + " unwritable (chmod, or chattr +i as root)").isTrue();
        return new Unwritable(folder, true);
    }

    /** Makes the folder writable again. */
    void undo() throws IOException {
        if (chattr) {
            if (!run("chattr", "-i", folder.toString())) {
                throw new IllegalStateException("could not undo chattr +i on " + folder);
            }
        } else {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean canWrite(Path folder) {
        Path probe = folder.resolve("probe");
        try {
            Files.createFile(probe);
            Files.delete(probe);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false; // the tool is not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
