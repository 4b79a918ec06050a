package io.backupkit.api;

/** Writing a backup back into a database or a directory failed. */
public class RestoreException extends BackupException {
    private static final long serialVersionUID = 1L;

    public RestoreException(String message) {
        super(ErrorCode.RESTORE, message);
    }

    public RestoreException(String message, Throwable cause) {
        super(ErrorCode.RESTORE, message, cause);
    }
}
