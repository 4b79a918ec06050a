package io.backupkit.api;

/** The operation conflicts with existing state (the id exists, another operation holds the lock). */
public class ConflictException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(ErrorCode.CONFLICT, message);
    }

    public ConflictException(String message, Throwable cause) {
        super(ErrorCode.CONFLICT, message, cause);
    }
}
