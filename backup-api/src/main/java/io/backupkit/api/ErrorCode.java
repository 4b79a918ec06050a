package io.backupkit.api;

/**
 * Stable, machine-readable category of a {@link BackupException}. Codes never change meaning between
 * releases, so callers (and the CLI's exit codes) may switch on them.
 */
public enum ErrorCode {
    /** The backup, object or file asked for does not exist. */
    NOT_FOUND,
    /** Stored data does not match its recorded size or checksum, or a manifest is malformed. */
    INTEGRITY,
    /** The storage backend failed: I/O, permissions, quota, network. */
    STORAGE,
    /** The engine or a request was configured wrongly; nothing was changed. */
    CONFIGURATION,
    /** Reading the database for a backup failed. */
    DUMP,
    /** Writing a backup back into a database or directory failed. */
    RESTORE,
    /** A file offered for import is not a valid, safe BackupKit archive. */
    INVALID_ARCHIVE,
    /** The operation conflicts with existing state, e.g. a backup with that id already exists, or a lock is held. */
    CONFLICT,
    /** The operation was cancelled by the caller. */
    CANCELLED,
    /** The backup cannot be restored here: unsupported format version, engine or type. */
    UNSUPPORTED,
    /**
     * The operation made no progress for its {@code noProgressTimeout} (no rows or bytes moved, and the database server
     * reported no work for its sessions): a hung server, network or storage. It was given up and its lock released.
     */
    NO_PROGRESS
}
