package io.backupkit.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names this machine precisely enough to trust a process id seen in a lock: host name, plus (on Linux) the boot id
 * and the pid namespace, so another machine with the same name, a reboot, or a container with its own process ids
 * never counts as "here".
 */
final class HostFingerprint {
    private static final String LOCAL = compute();

    private HostFingerprint() {
    }

    /** {@code <host name>#<boot id>/<pid namespace>}, or just the host name where those cannot be read. */
    static String local() {
        return LOCAL;
    }

    /** Whether a fingerprint is this machine's and precise enough (boot id and pid namespace known) to trust pids. */
    static boolean isLocal(String fingerprint) {
        return LOCAL.equals(fingerprint) && LOCAL.contains("#");
    }

    private static String compute() {
        String host = DefaultBackupEngine.hostname();
        try {
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            String pidNs = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return host + "#" + boot.substring(0, Math.min(8, boot.length())) + "/" + pidNs.replaceAll("[^0-9]", "");
        } catch (IOException | RuntimeException e) {
            return host;
        }
    }
}
