package io.backupkit.api;

/** How a database restore treats what is already in the target. */
public enum RestoreMode {
    /** The backed-up tables become exactly the backup: dropped and recreated (schema, data, indexes, keys). */
    REPLACE,
    /**
     * Rows are inserted or updated by primary key (only: never by another unique key); nothing is deleted. A table
     * without a primary key is an error before anything changes; a backup row whose other unique key belongs to a
     * different target row fails the restore before anything changes unless {@link MergeConflictPolicy} says otherwise.
     */
    MERGE,
    /** The schema already exists (made by the application's migrations); tables are emptied and reloaded. */
    DATA_ONLY
}
