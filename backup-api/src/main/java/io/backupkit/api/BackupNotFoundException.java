package io.backupkit.api;

/** A backup that was asked for does not exist in the storage. */
public class BackupNotFoundException extends BackupException {
    private static final long serialVersionUID = 1L;

    public BackupNotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }

    public BackupNotFoundException(String message, Throwable cause) {
        super(ErrorCode.NOT_FOUND, message, cause);
    }
}
