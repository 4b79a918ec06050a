package io.backupkit.api;

/**
 * An operation made no progress for its {@code noProgressTimeout} and was given up: no rows or bytes moved, and the
 * database server (where the dumper can ask it) reported no work for the operation's sessions. The message says how
 * long, what the operation was doing and how to raise the timeout; the cause, if any, is how the operation ended
 * after its connections were aborted (including what a restore's rollback did).
 */
public class NoProgressException extends BackupException {
    private static final long serialVersionUID = 1L;

    public NoProgressException(String message) {
        super(ErrorCode.NO_PROGRESS, message);
    }

    public NoProgressException(String message, Throwable cause) {
        super(ErrorCode.NO_PROGRESS, message, cause);
    }
}
