package io.backupkit.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one answer to "which process on which machine is this?", written into lease records, restore intent records,
 * history records and manifests, and the one place that decides whether such a recorded process is provably gone.
 *
 * <p>A recorded process is three things: the host <em>fingerprint</em> (host name, plus on Linux the boot id and the
 * pid namespace, so another machine with the same name, a reboot, or a container with its own process ids never
 * counts as "here"), the pid, and the process start time (so a pid reused by a later process is not mistaken for
 * the recorded one). Only a fingerprint of this very machine, boot and pid namespace makes a pid mean anything.
 *
 * @param hostName     the host name, for people (manifests, history records); empty when the JVM cannot tell
 * @param fingerprint  {@code <host name>#<boot id>/<pid namespace>}, or just the host name where those cannot be read
 * @param pid          the process's id
 * @param processStart when the process started, where the operating system tells
 */
public record HostIdentity(String hostName, String fingerprint, long pid, Optional<Instant> processStart) {
    /** Two readings of one process's start time may differ by rounding; a later process with the same pid differs by more. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);
    private static final HostIdentity LOCAL = of(readHostName());

    /** This process. */
    public static HostIdentity local() {
        return LOCAL;
    }

    private static HostIdentity of(String hostName) {
        ProcessHandle self = ProcessHandle.current();
        return new HostIdentity(hostName, fingerprintOf(hostName), self.pid(), self.info().startInstant());
    }

    /** Whether {@code fingerprint} is this machine's, and precise enough (boot id and pid namespace known) to trust pids. */
    public boolean isThisMachine(String fingerprint) {
        return this.fingerprint.equals(fingerprint) && this.fingerprint.contains("#");
    }

    /**
     * Whether the process recorded as {@code (fingerprint, pid, started)} is another process on this machine that no
     * longer runs: its pid is gone, or now belongs to a process that started at another time. Never true for
     * another machine, another boot, another pid namespace, or this process itself.
     *
     * @param started the recorded process start, or null where the record has none (then only the pid counts)
     */
    public boolean provablyDead(String fingerprint, long pid, Instant started) {
        if (!isThisMachine(fingerprint) || pid == this.pid) {
            return false;
        }
        Optional<ProcessHandle> now = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        return now.isEmpty() || started != null && now.get().info().startInstant()
                .map(s -> Duration.between(s, started).abs().compareTo(START_TOLERANCE) > 0).orElse(false);
    }

    /** Whether that recorded process is another process on this machine that still runs. */
    public boolean aliveHere(String fingerprint, long pid, Instant started) {
        return isThisMachine(fingerprint) && pid != this.pid && !provablyDead(fingerprint, pid, started);
    }

    private static String readHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }

    private static String fingerprintOf(String host) {
        try {
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            String pidNs = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return host + "#" + boot.substring(0, Math.min(8, boot.length())) + "/" + pidNs.replaceAll("[^0-9]", "");
        } catch (IOException | RuntimeException e) {
            return host;
        }
    }

    @Override
    public String toString() {
        return fingerprint + " pid " + pid;
    }
}
