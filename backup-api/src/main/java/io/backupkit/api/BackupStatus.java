package io.backupkit.api;

/** Lifecycle state of an operation or backup as the catalogue and history report it. */
public enum BackupStatus {
    PENDING, RUNNING, COMPLETED, FAILED, ROLLED_BACK,
    /**
     * Catalogue only: a backup whose manifest exists but cannot be read (corrupt, truncated, or from a newer
     * version). Listed so that it never silently vanishes; it cannot be restored; {@code verify} or {@code show}
     * says what is wrong, {@code delete} removes it.
     */
    DAMAGED
}
