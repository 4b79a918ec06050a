package io.backupkit.api;

/** {@code get} or ranged {@code get} of a key that does not exist in the storage. */
public class BlobNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public BlobNotFoundException(String key) {
        this(key, null);
    }

    public BlobNotFoundException(String key, Throwable cause) {
        super(ErrorCode.NOT_FOUND, "no object with key '" + key + "' in the storage", cause);
        this.key = key;
    }

    /** The key that was not found. */
    public String key() {
        return key;
    }
}
