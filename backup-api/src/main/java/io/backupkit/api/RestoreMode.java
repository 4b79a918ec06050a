package io.backupkit.api;

/** How a database restore treats what is already in the target. */
public enum RestoreMode {
    /** The backed-up tables become exactly the backup: dropped and recreated (schema, data, indexes, keys). */
    REPLACE,
    /** Rows are inserted or updated by primary key; nothing is deleted. A table without a key is an error. */
    MERGE,
    /** The schema already exists (made by the application's migrations); tables are emptied and reloaded. */
    DATA_ONLY
}
