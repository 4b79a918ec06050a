package io.backupkit.core.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a backup's file index ({@code files/index.jsonl}): what was archived for one path.
 *
 * @param path   {@code <root>/<relative path>} with {@code /} separators; a root's own entry is {@code <root>}
 * @param type   {@code file}, {@code dir} or {@code symlink}
 * @param size   bytes of a regular file's content (0 otherwise)
 * @param mtime  last modification time, full precision
 * @param mode   POSIX permission bits (e.g. 0644 = 420), or -1 where the file system has none
 * @param sha256 hex SHA-256 of a regular file's content as archived (null otherwise)
 * @param target a symbolic link's target as stored in the link (null otherwise)
 */
record FileEntry(String path, String type, long size, Instant mtime, int mode, String sha256, String target) {
    public static final String FILE = "file";
    public static final String DIR = "dir";
    public static final String SYMLINK = "symlink";

    public FileEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        if (!type.equals(FILE) && !type.equals(DIR) && !type.equals(SYMLINK)) {
            throw new IllegalArgumentException("unknown file index entry type '" + type + "' for " + path);
        }
        Objects.requireNonNull(mtime, "mtime");
    }

    public boolean isFile() {
        return type.equals(FILE);
    }

    public boolean isDir() {
        return type.equals(DIR);
    }

    public boolean isSymlink() {
        return type.equals(SYMLINK);
    }
}
