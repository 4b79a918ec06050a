package io.backupkit.api;

/** How a files restore treats what is already in the target directory. */
public enum FileRestoreMode {
    /** The directory becomes exactly the backup: files not in the backup are removed. */
    REPLACE,
    /** Files from the backup are added; existing files are overwritten or kept, by option; nothing is removed. */
    MERGE
}
