package io.backupkit.core.internal;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes one lease's record, the storage object {@code locks/<name>.json}. Kept apart from
 * {@link StorageLease} so the acquisition protocol reads as protocol; this class only knows the object's format,
 * and what an object that is not a lease record counts as.
 */
final class LeaseStore {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseStore.class);

    private final StorageProvider storage;
    private final String key;
    private final Duration ttl;

    LeaseStore(StorageProvider storage, String name, Duration ttl) {
        this.storage = storage;
        this.key = Layout.lockKey(name);
        this.ttl = ttl;
    }

    /** The lock object's key. */
    String key() {
        return key;
    }

    /** Where the lock object lives, for messages: {@code <storage>/<key>}. */
    String location() {
        return storage.description() + "/" + key;
    }

    /** {@code record} as the bytes {@link #put} writes; serialise before a timed window, not inside it. */
    static byte[] serialize(LeaseRecord record) {
        return Json.bytes(record, "lease record");
    }

    void put(byte[] json) {
        storage.put(key, ContentSource.of(json));
    }

    void write(LeaseRecord record) {
        put(serialize(record));
    }

    void delete() {
        storage.delete(key);
    }

    /** What is stored now. An object that is not a lease record comes back {@linkplain Observed#unreadable()}. */
    Observed read() {
        byte[] bytes;
        try (InputStream in = storage.get(key)) {
            bytes = in.readAllBytes();
        } catch (BlobNotFoundException e) {
            return new Observed(Optional.empty(), false, Optional.empty());
        } catch (IOException e) {
            throw new StorageException("cannot read the lock " + key + " in " + storage.description() + ": " + e.getMessage(), true, e);
        }
        try {
            return new Observed(Optional.of(Json.mapper().readValue(bytes, LeaseRecord.class)), false, Optional.empty());
        } catch (IOException | RuntimeException e) {
            // Not written by us (a person or another version): treat it as held until ttl after it was written.
            Optional<Instant> written = storage.stat(key).map(BlobInfo::lastModified);
            LOG.warn("the lock object {} in {} is not a lease record ({}); it counts as held until {} after it was written",
                    key, storage.description(), e.getMessage(), ttl);
            return new Observed(Optional.empty(), true, written);
        }
    }

    /** What a read of the lock found. */
    record Observed(Optional<LeaseRecord> record, boolean unreadable, Optional<Instant> unreadableWritten) {
        String describe() {
            return record.map(LeaseRecord::describe).orElse(unreadable ? "an unreadable lock object" : "nobody");
        }
    }
}
