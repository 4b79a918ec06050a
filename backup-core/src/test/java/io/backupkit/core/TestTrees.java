package io.backupkit.core;

import io.backupkit.core.internal.Sha256;
import io.backupkit.testkit.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds media trees for tests and captures everything a restore must reproduce. */
final class TestTrees {
    private static final String[] NAMES = {"photo", "Ünïcødé ñame", "with space", "日本語", "emoji-😀", "résumé", "a.b.c", "UPPER"};
    private static final String[] PERMS = {"rw-r--r--", "rw-------", "rwxr-xr-x", "r--r--r--", "rw-rw-r--"};

    private TestTrees() {
    }

    /**
     * A tree of {@code files} files in nested folders: 0-byte files, unicode and space-containing names,
     * varied permissions and sub-second mtimes, one empty folder.
     */
    static void generate(Path root, int files, long seed) throws IOException {
        Random rnd = new Random(seed);
        Files.createDirectories(root);
        for (int i = 0; i < files; i++) {
            int depth = rnd.nextInt(4);
            Path dir = root;
            for (int d = 0; d < depth; d++) {
                dir = dir.resolve("dir " + d + "-" + NAMES[rnd.nextInt(NAMES.length)] + "-" + rnd.nextInt(6));
            }
            Files.createDirectories(dir);
            Path f = dir.resolve(NAMES[rnd.nextInt(NAMES.length)] + " " + i + (i % 3 == 0 ? ".jpg" : ".txt"));
            int size = i % 10 == 0 ? 0 : rnd.nextInt(i % 7 == 0 ? 200_000 : 4_000);
            Files.write(f, SeededContent.bytes(seed + i, size));
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(PERMS[rnd.nextInt(PERMS.length)]));
            Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(1_600_000_000L + rnd.nextInt(100_000_000),
                    rnd.nextInt(1_000_000_000))));
        }
        Path empty = root.resolve("empty folder");
        Files.createDirectories(empty);
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwx------"));
        // Directory times last: creating files inside changes them.
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(d, FileTime.from(Instant.ofEpochSecond(1_500_000_000L + d.toString().length())));
            }
        }
    }

    /** Writes a large file from a seeded stream without holding it in memory. */
    static void largeFile(Path file, long size, long seed) throws IOException {
        try (InputStream in = SeededContent.stream(seed, size); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }
    }

    /** Path -> type, size, SHA-256, mtime and permissions of everything under root (the root's own entry included). */
    static Map<String, String> snapshot(Path root) throws IOException {
        return snapshot(root, java.time.temporal.ChronoUnit.NANOS);
    }

    /** As {@link #snapshot(Path)}, with modification times truncated to {@code precision}. */
    static Map<String, String> snapshot(Path root, java.time.temporal.TemporalUnit precision) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String rel = root.relativize(p).toString();
                String perms = a.isSymbolicLink() ? "" : PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                String what;
                if (a.isSymbolicLink()) {
                    what = "link->" + Files.readSymbolicLink(p);
                } else if (a.isDirectory()) {
                    what = "dir " + perms + " " + a.lastModifiedTime().toInstant().truncatedTo(precision);
                } else {
                    what = "file " + a.size() + " " + sha(p) + " " + perms + " " + a.lastModifiedTime().toInstant().truncatedTo(precision);
                }
                out.put(rel, what);
            }
        }
        return out;
    }

    static String sha(Path file) throws IOException {
        MessageDigest d = Sha256.newDigest();
        byte[] buf = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                d.update(buf, 0, n);
            }
        }
        return Sha256.hex(d);
    }
}
