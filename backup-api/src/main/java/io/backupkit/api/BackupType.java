package io.backupkit.api;

/** What a backup contains. */
public enum BackupType {
    /** The database only. */
    DATABASE,
    /** The media files only. */
    FILES,
    /** Database and media files. */
    FULL,
    /** Taken automatically before a restore, of exactly what the restore overwrites; may hold either part. */
    SAFETY;

    /** Lower-case name used in ids and on the command line. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a backup of this type, as requested by a caller, includes the database. */
    public boolean includesDatabase() {
        return this == DATABASE || this == FULL;
    }

    /** Whether a backup of this type, as requested by a caller, includes the media files. */
    public boolean includesFiles() {
        return this == FILES || this == FULL;
    }
}
