package io.backupkit.api;

/** Reading a database for a backup failed. */
public class DumpException extends BackupException {
    private static final long serialVersionUID = 1L;

    public DumpException(String message) {
        super(ErrorCode.DUMP, message);
    }

    public DumpException(String message, Throwable cause) {
        super(ErrorCode.DUMP, message, cause);
    }
}
