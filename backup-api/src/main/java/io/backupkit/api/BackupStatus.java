package io.backupkit.api;

/** Lifecycle state of an operation or backup as the catalogue and history report it. */
public enum BackupStatus {
    PENDING, RUNNING, COMPLETED, FAILED, ROLLED_BACK
}
