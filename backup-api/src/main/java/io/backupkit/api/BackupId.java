package io.backupkit.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Identifier of one backup, unique within a storage and sortable by creation time, e.g.
 * {@code 20260122T020000Z-full-7f3a}. Safe to use as a storage key segment and as a file name.
 */
public record BackupId(String value) implements Comparable<BackupId> {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public BackupId {
        Objects.requireNonNull(value, "backup id");
        if (!SAFE.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException("invalid backup id '" + value
                    + "': use 1-128 characters from A-Z a-z 0-9 . _ - starting with a letter or digit, e.g. 20260122T020000Z-full-7f3a");
        }
    }

    /** Parses an id, with the same validation as the constructor. */
    public static BackupId of(String value) {
        return new BackupId(value);
    }

    @Override
    public int compareTo(BackupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
