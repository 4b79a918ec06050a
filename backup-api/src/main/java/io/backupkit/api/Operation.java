package io.backupkit.api;

/** The kinds of operation the engine reports events and history for. */
public enum Operation {
    BACKUP, RESTORE, VERIFY, DELETE, EXPORT, IMPORT, CLEANUP, PIN, UNPIN,
    /** Completing or rolling back restores whose process died ({@link BackupEngine#recover()}). */
    RECOVER
}
