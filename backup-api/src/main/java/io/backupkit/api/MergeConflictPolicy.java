package io.backupkit.api;

/**
 * What a {@link RestoreMode#MERGE} restore does with a backup row whose primary key is new to (or matches) the
 * target but whose other unique key (a {@code UNIQUE} column such as an e-mail address) already belongs to a
 * <em>different</em> target row. MERGE matches rows by primary key only, on every engine; such a row cannot be
 * merged without deciding which of the two rows wins.
 */
public enum MergeConflictPolicy {
    /**
     * The default: the restore fails before it changes anything, naming the table, the unique key and both rows
     * (the backup row's primary key and key values, and the target row's primary key).
     */
    FAIL,
    /**
     * The backup wins: the target rows holding a colliding unique-key value are deleted, in the restore's transaction
     * and before its rows are loaded, then the backup rows are merged. Rows of other tables that reference a deleted
     * row are left as they are (MERGE loads with foreign-key checks off); the restore logs how many rows it deleted.
     */
    OVERWRITE_TARGET_ROW
}
