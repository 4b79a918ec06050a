package io.backupkit.api;

/** A file offered for import is not a valid, safe BackupKit archive; the storage is left as it was. */
public class InvalidArchiveException extends BackupException {
    private static final long serialVersionUID = 1L;

    public InvalidArchiveException(String message) {
        super(ErrorCode.INVALID_ARCHIVE, message);
    }

    public InvalidArchiveException(String message, Throwable cause) {
        super(ErrorCode.INVALID_ARCHIVE, message, cause);
    }
}
