package io.backupkit.api;

/** The operation was cancelled; nothing it started is left listed. */
public class CancelledException extends BackupException {
    private static final long serialVersionUID = 1L;

    public CancelledException(String message) {
        super(ErrorCode.CANCELLED, message);
    }

    public CancelledException(String message, Throwable cause) {
        super(ErrorCode.CANCELLED, message, cause);
    }
}
