package io.backupkit.core.internal;

import io.backupkit.api.internal.Printable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Validation and ordering of paths that come from archives and indexes. Every such path is checked here
 * before it touches a file system: relative, {@code /}-separated, no empty, {@code .} or {@code ..}
 * segments, no NUL or other control characters.
 */
final class ArchivePaths {
    /** Depth-first order with children sorted by name: the order the archiver writes and restores walk. */
    public static final Comparator<String> TREE_ORDER = ArchivePaths::compareTree;

    private ArchivePaths() {
    }

    /**
     * Splits and validates an archive path.
     *
     * @return its segments
     * @throws IllegalArgumentException naming what is unsafe
     */
    public static List<String> segments(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
            throw new IllegalArgumentException("absolute path '" + Printable.of(path) + "'");
        }
        List<String> out = new ArrayList<>();
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("path '" + Printable.of(path) + "' has a '" + seg + "' segment");
            }
            for (int i = 0; i < seg.length(); i++) {
                if (Character.isISOControl(seg.charAt(i))) {
                    throw new IllegalArgumentException("path '" + Printable.of(path) + "' contains a control character");
                }
            }
            out.add(seg);
        }
        return out;
    }

    /** Resolves validated segments under {@code base}; the result is guaranteed to be inside it. */
    public static Path resolve(Path base, List<String> segments) {
        Path p = base;
        for (String s : segments) {
            p = p.resolve(s);
        }
        Path normalized = p.normalize();
        if (!normalized.startsWith(base.normalize())) {
            throw new IllegalArgumentException("path " + String.join("/", segments) + " escapes " + base);
        }
        return normalized;
    }

    private static int compareTree(String a, String b) {
        String[] x = a.split("/");
        String[] y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
