package io.backupkit.api;

/** One of the two parts a backup can hold, for {@link BackupEngine#exportPart}. */
public enum BackupPart {
    /** The database dump: schema, table data and any dumper-specific objects. */
    DATABASE,
    /** The media files: the files archive and its index. */
    FILES
}
