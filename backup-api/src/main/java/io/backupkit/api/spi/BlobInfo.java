package io.backupkit.api.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What a storage knows of one object.
 *
 * @param key          its key
 * @param size         its size in bytes
 * @param lastModified when it was written, as the storage reports it
 */
public record BlobInfo(String key, long size, Instant lastModified) {
    public BlobInfo {
        Objects.requireNonNull(key, "key");
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + key);
        }
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
