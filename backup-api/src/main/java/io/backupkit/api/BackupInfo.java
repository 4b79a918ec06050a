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
 * @param status      {@link BackupStatus#COMPLETED} for every backup with a manifest (its integrity is in {@code state})
 * @param createdAt   start time
 * @param finishedAt  end time
 * @param storedBytes bytes it occupies in storage
 * @param tables      number of tables in its database part (0 without one)
 * @param rows        number of rows in its database part
 * @param files       number of entries in its files part (0 without one)
 * @param pinned      whether the backup is pinned: retention never deletes it
 * @param state       completeness, integrity and restore count, from the status object stored with the backup
 */
public record BackupInfo(BackupId id, BackupType type, String name, Set<String> tags, BackupStatus status,
                         Instant createdAt, Instant finishedAt, long storedBytes, int tables, long rows, long files,
                         boolean pinned, BackupState state) {
    public BackupInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        state = state == null ? new BackupState(BackupState.Completeness.COMPLETE, null, null,
                BackupState.Integrity.UNVERIFIED, null, null, null, 0, null) : state;
    }

    /** A catalogue line with no stored state (complete, unverified). */
    public BackupInfo(BackupId id, BackupType type, String name, Set<String> tags, BackupStatus status,
                      Instant createdAt, Instant finishedAt, long storedBytes, int tables, long rows, long files,
                      boolean pinned) {
        this(id, type, name, tags, status, createdAt, finishedAt, storedBytes, tables, rows, files, pinned, null);
    }

    /** An unpinned catalogue line. */
    public BackupInfo(BackupId id, BackupType type, String name, Set<String> tags, BackupStatus status,
                      Instant createdAt, Instant finishedAt, long storedBytes, int tables, long rows, long files) {
        this(id, type, name, tags, status, createdAt, finishedAt, storedBytes, tables, rows, files, false, null);
    }

    /** This line with the pinned flag set as given. */
    public BackupInfo withPinned(boolean pin) {
        return new BackupInfo(id, type, name, tags, status, createdAt, finishedAt, storedBytes, tables, rows, files, pin,
                state);
    }

    /** This line with the given stored state. */
    public BackupInfo withState(BackupState s) {
        return new BackupInfo(id, type, name, tags, status, createdAt, finishedAt, storedBytes, tables, rows, files,
                pinned, s);
    }

    /** Whether this backup covers the database (DATABASE, FULL, or a safety backup with a database part). */
    public boolean coversDatabase() {
        return type.includesDatabase() || type == BackupType.SAFETY && tables > 0;
    }

    /** Whether this backup covers media files. */
    public boolean coversFiles() {
        return type.includesFiles() || type == BackupType.SAFETY && files > 0;
    }

    /** The catalogue line of a complete backup, with the state it has when made. */
    public static BackupInfo of(Manifest m) {
        return of(m, BackupState.initial(m, ""));
    }

    /** The catalogue line of a complete backup with its stored state. */
    public static BackupInfo of(Manifest m, BackupState state) {
        return new BackupInfo(m.id(), m.type(), m.name(), m.tags(), BackupStatus.COMPLETED, m.createdAt(),
                m.finishedAt(), m.storedBytes(),
                m.database().map(d -> d.tables().size()).orElse(0),
                m.database().map(Manifest.DatabasePart::totalRows).orElse(0L),
                m.files().map(Manifest.FilesPart::fileCount).orElse(0L), false, state);
    }

    /** How long the backup took. */
    public Duration duration() {
        return finishedAt == null ? Duration.ZERO : Duration.between(createdAt, finishedAt);
    }
}
