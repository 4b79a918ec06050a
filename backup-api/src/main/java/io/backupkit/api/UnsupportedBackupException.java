package io.backupkit.api;

/** The backup uses a format version, engine or feature this installation cannot restore. */
public class UnsupportedBackupException extends BackupException {
    private static final long serialVersionUID = 1L;

    public UnsupportedBackupException(String message) {
        super(ErrorCode.UNSUPPORTED, message);
    }

    public UnsupportedBackupException(String message, Throwable cause) {
        super(ErrorCode.UNSUPPORTED, message, cause);
    }
}
