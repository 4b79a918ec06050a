package io.backupkit.api;

/**
 * A storage backend failed. {@link #retryable()} tells whether trying the same call again may succeed
 * (throttling, 5xx, connection reset) or not (access denied, missing bucket, disk full).
 */
public class StorageException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public StorageException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public StorageException(String message, boolean retryable, Throwable cause) {
        super(ErrorCode.STORAGE, message, cause);
        this.retryable = retryable;
    }

    protected StorageException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
        this.retryable = false;
    }

    /** Whether the same call may succeed if tried again later. */
    public boolean retryable() {
        return retryable;
    }
}
