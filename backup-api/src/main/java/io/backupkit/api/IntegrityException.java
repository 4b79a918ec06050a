package io.backupkit.api;

/** Stored data does not match its recorded size or SHA-256, or a manifest cannot be read. Never ignored. */
public class IntegrityException extends BackupException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(String message) {
        super(ErrorCode.INTEGRITY, message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(ErrorCode.INTEGRITY, message, cause);
    }
}
