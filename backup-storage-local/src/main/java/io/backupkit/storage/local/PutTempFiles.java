package io.backupkit.storage.local;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names of the temporary files of puts, and whether one is left over from a put that can no longer finish.
 *
 * <p>A name says who writes it: {@code .put-<host>-<pid>-<start>-<random>.tmp}, where {@code host} is a short
 * hash that tells hosts apart (see {@link #hostId()}), {@code pid} the writing process and {@code start} its start time in epoch milliseconds
 * ({@code x} where the platform does not tell). A process id is reused after its process ends; the start time
 * tells the writer from a later process that got the same id.
 */
final class PutTempFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PutTempFiles.class);
    static final String PREFIX = ".put-";
    static final String SUFFIX = ".tmp";
    /**
     * How much the start time of the same process may differ when computed twice. The JDK derives it from the
     * boot time, which moves when the wall clock is stepped; a later process with the writer's id starts after the
     * writer ended, so this only keeps a few temporary files of very short-lived writers a little longer.
     */
    static final Duration START_TOLERANCE = Duration.ofSeconds(10);

    private static final Pattern NAME = Pattern.compile(
            "\\.put-([0-9a-f]{8})-([0-9]{1,19})-([0-9]{1,19}|x)-([0-9a-f]{16})\\.tmp");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String THIS_HOST = hostId();
    private static final long THIS_PID = ProcessHandle.current().pid();
    private static final String THIS_START = ProcessHandle.current().info().startInstant()
            .map(i -> Long.toString(i.toEpochMilli())).orElse("x");

    private PutTempFiles() {
    }

    /** A new, unique temporary file name for a put by this process. */
    static String newName() {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return name(THIS_HOST, THIS_PID, THIS_START, HexFormat.of().formatHex(random));
    }

    static String name(String host, long pid, String start, String random) {
        return PREFIX + host + "-" + pid + "-" + start + "-" + random + SUFFIX;
    }

    /** The host id of this process, as it appears in temporary file names. */
    static String thisHost() {
        return THIS_HOST;
    }

    /** Whether {@code name} is a put's temporary file (of this or an earlier naming scheme). */
    static boolean isTempName(String name) {
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
    }

    /** Why a temporary file is left over, or empty while its put may still finish. */
    static Optional<String> staleReason(Path file, String name, Duration grace, Instant now) throws IOException {
        Matcher m = NAME.matcher(name);
        if (m.matches() && m.group(1).equals(THIS_HOST) && ownedByThisUser(file)) {
            long pid;
            OptionalLong start;
            try {
                pid = Long.parseLong(m.group(2));
                start = m.group(3).equals("x") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(3)));
            } catch (NumberFormatException e) { // digits beyond the range of a long: not a name this class wrote
                return byAge(file, grace, now, "its name does not say which process wrote it");
            }
            return byProcess(pid, start);
        }
        String who = m.matches() && m.group(1).equals(THIS_HOST)
                ? "it belongs to another user, whose processes may be hidden from this one"
                : m.matches() ? "it was written on another host" : "its name does not say which process wrote it";
        return byAge(file, grace, now, who);
    }

    private static Optional<String> byProcess(long pid, OptionalLong recordedStart) {
        Optional<Instant> liveStart;
        if (pid == THIS_PID) {
            // Compared with the start written into this process's own names, not computed again: a put of this
            // process must stay safe even if the wall clock is stepped while it runs.
            liveStart = THIS_START.equals("x") ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(THIS_START)));
        } else {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isEmpty() || !process.get().isAlive()) {
                return Optional.of("process " + pid + " on this host, which wrote it, is no longer running");
            }
            liveStart = process.get().info().startInstant();
        }
        if (recordedStart.isPresent() && liveStart.isPresent()
                && liveStart.get().isAfter(Instant.ofEpochMilli(recordedStart.getAsLong()).plus(START_TOLERANCE))) {
            return Optional.of("process " + pid + " on this host, which wrote it, is no longer running (the running"
                    + " process with that id started at " + liveStart.get() + ", after the writer, which started at "
                    + Instant.ofEpochMilli(recordedStart.getAsLong()) + ")");
        }
        return Optional.empty(); // the writer is running: never touch a put in progress
    }

    private static Optional<String> byAge(Path file, Duration grace, Instant now, String who) throws IOException {
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        Duration age = Duration.between(modified, now);
        if (age.compareTo(grace) <= 0) {
            return Optional.empty();
        }
        return Optional.of(who + ", and it was last modified " + modified + ", longer ago than the grace period of "
                + grace + " for such files");
    }

    /**
     * Whether this process's user owns the file. Where process ids of other users are hidden (Linux
     * {@code hidepid}), their running processes look ended, so their files are judged by age instead.
     */
    private static boolean ownedByThisUser(Path file) throws IOException {
        String user = System.getProperty("user.name");
        return user != null && user.equals(Files.getOwner(file).getName());
    }

    /**
     * A stable short hash of the host name and, on Linux, the boot id and the process-id namespace: two machines
     * of the same name, two boots of one machine and two containers that share a folder but not their process ids
     * all count as different hosts. Where the host name cannot be read, a random id: this process then judges
     * every temporary file by age, never by a process id that may belong to another machine.
     */
    private static String hostId() {
        Optional<String> name = hostName();
        if (name.isEmpty()) {
            byte[] random = new byte[4];
            RANDOM.nextBytes(random);
            return HexFormat.of().formatHex(random);
        }
        StringBuilder identity = new StringBuilder(name.get());
        try {
            Path bootId = Path.of("/proc/sys/kernel/random/boot_id");
            if (Files.isReadable(bootId)) {
                identity.append('/').append(Files.readString(bootId, StandardCharsets.US_ASCII).trim());
            }
            Path pidNamespace = Path.of("/proc/self/ns/pid");
            if (Files.isSymbolicLink(pidNamespace)) {
                identity.append('/').append(Files.readSymbolicLink(pidNamespace));
            }
        } catch (IOException | SecurityException e) {
            LOG.debug("could not read the boot id or process-id namespace; temporary files are told apart by host name", e);
            identity.append("/?");
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static Optional<String> hostName() {
        // Read without a DNS lookup where possible: InetAddress.getLocalHost() can stall on a misconfigured resolver.
        Path linux = Path.of("/proc/sys/kernel/hostname");
        try {
            if (Files.isReadable(linux)) {
                String name = Files.readString(linux, StandardCharsets.UTF_8).trim();
                if (!name.isEmpty()) {
                    return Optional.of(name.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException | SecurityException e) {
            LOG.debug("could not read {}; trying the environment and the resolver", linux, e);
        }
        for (String variable : new String[] {"COMPUTERNAME", "HOSTNAME"}) {
            String name = System.getenv(variable);
            if (name != null && !name.isBlank()) {
                return Optional.of(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (IOException | SecurityException e) {
            LOG.debug("the host name is unknown; temporary files of interrupted puts are removed by age only", e);
            return Optional.empty();
        }
    }
}
