package io.backupkit.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One line of the backup catalogue: what {@link BackupEngine#list} returns.
 *
 * @param id          the backup's id
 * @param type        what it contains
 * @param name        human name, may be empty
 * @param tags        labels
 * @param status      {@link BackupStatus#COMPLETED} for every backup with a manifest
 * @param createdAt   start time
 * @param finishedAt  end time
 * @param storedBytes bytes it occupies in storage
 * @param tables      number of tables in its database part (0 without one)
 * @param rows        number of rows in its database part
 * @param files       number of entries in its files part (0 without one)
 * @param pinned      whether the backup is pinned: retention never deletes it
 */
public record BackupInfo(BackupId id, BackupType type, String name, Set<String> tags, BackupStatus status,
                         Instant createdAt, Instant finishedAt, long storedBytes, int tables, long rows, long files,
                         boolean pinned) {
    public BackupInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** An unpinned catalogue line. */
    public BackupInfo(BackupId id, BackupType type, String name, Set<String> tags, BackupStatus status,
                      Instant createdAt, Instant finishedAt, long storedBytes, int tables, long rows, long files) {
        this(id, type, name, tags, status, createdAt, finishedAt, storedBytes, tables, rows, files, false);
    }

    /** This line with the pinned flag set as given. */
    public BackupInfo withPinned(boolean pin) {
        return new BackupInfo(id, type, name, tags, status, createdAt, finishedAt, storedBytes, tables, rows, files, pin);
    }

    /** The catalogue line of a complete backup. */
    public static BackupInfo of(Manifest m) {
        return new BackupInfo(m.id(), m.type(), m.name(), m.tags(), BackupStatus.COMPLETED, m.createdAt(),
                m.finishedAt(), m.storedBytes(),
                m.database().map(d -> d.tables().size()).orElse(0),
                m.database().map(Manifest.DatabasePart::totalRows).orElse(0L),
                m.files().map(Manifest.FilesPart::fileCount).orElse(0L));
    }

    /** How long the backup took. */
    public Duration duration() {
        return finishedAt == null ? Duration.ZERO : Duration.between(createdAt, finishedAt);
    }
}
