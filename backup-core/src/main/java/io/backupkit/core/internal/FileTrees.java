package io.backupkit.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Directory trees as restores handle them: never following a symbolic link, entries in name order. */
final class FileTrees {
    static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private FileTrees() {
    }

    /** The entries of a directory, sorted by name. */
    static List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** Deletes a file or a directory with everything in it (a link, not what it points to); nothing there is fine. */
    static void delete(Path p) {
        try {
            if (!Files.exists(p, NOFOLLOW)) {
                return;
            }
            if (Files.isDirectory(p, NOFOLLOW)) {
                for (Path c : children(p)) {
                    delete(c);
                }
            }
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + p + ": " + e.getMessage(), e);
        }
    }

    /** Sets a file's POSIX permissions from a recorded mode; nothing when none was recorded or the file system has none. */
    static void applyMode(Path p, int mode) throws IOException {
        if (mode < 0) {
            return;
        }
        try {
            Files.setPosixFilePermissions(p, PosixModes.toPermissions(mode));
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions on this file system
        }
    }
}
