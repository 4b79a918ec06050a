package io.backupkit.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A restore failed. {@link #targetState()} says what that left behind, and {@link #safetyBackup()} names the
 * backup of the previous state when one was taken, so nothing is ever lost silently.
 */
public class RestoreFailedException extends RestoreException {
    private static final long serialVersionUID = 1L;
    private final TargetState targetState;
    private final transient Optional<BackupId> safetyBackup;

    public RestoreFailedException(String message, TargetState targetState, Optional<BackupId> safetyBackup, Throwable cause) {
        super(message, cause);
        this.targetState = Objects.requireNonNull(targetState, "targetState");
        this.safetyBackup = safetyBackup == null ? Optional.empty() : safetyBackup;
    }

    /** What the failure left in the target database and directories. */
    public TargetState targetState() {
        return targetState;
    }

    /** The safety backup holding the state before the restore, if one was taken. */
    public Optional<BackupId> safetyBackup() {
        return safetyBackup;
    }

    /** The state a failed restore left the target in. */
    public enum TargetState {
        /** The failure came before anything in the target was changed. */
        UNCHANGED,
        /** The target was changed, then put back as it was (by the database transaction or from the safety backup). */
        ROLLED_BACK,
        /** Putting the target back failed too: restore the safety backup by hand. */
        ROLLBACK_FAILED,
        /** The target may be partly restored: no safety backup was taken and the engine cannot undo it. */
        PARTIALLY_RESTORED
    }
}
