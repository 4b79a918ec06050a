package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupState;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.Manifest;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status object of each backup, {@code backups/<id>/status.json} (docs/FORMAT.md): completeness fixed when the
 * backup is made, integrity as verifications find it, the restore count. Kept apart from the manifest, which is never
 * rewritten: the manifest says what a backup is, the status what has happened to it since. A backup without a status
 * object (made before it existed, or whose status could not be written) has the state its manifest implies.
 *
 * <p>Updates are read-modify-write without a lock: two updates at the same moment (a verify on one instance, a
 * restore on another) may lose one of them. Only the creation is part of the backup itself; a failed update is
 * logged and never fails the operation that made it.
 */
final class BackupStatusStore {
    private static final Logger LOG = LoggerFactory.getLogger(BackupStatusStore.class);
    private static final int MAX_BYTES = 1024 * 1024;
    static final int FORMAT = 1;

    /** The JSON document: its format, the backup it belongs to, when it last changed, and the state. */
    record Stored(int format, String id, Instant updatedAt, BackupState state) {
    }

    private final StorageProvider storage;
    private final Clock clock;

    public BackupStatusStore(StorageProvider storage, Clock clock) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The status object a backup has when it is made, for the backup writer to store before the manifest. */
    public static byte[] encode(Manifest m, String partial, Clock clock) {
        return encode(m.id(), BackupState.initial(m, partial), clock.instant());
    }

    private static byte[] encode(BackupId id, BackupState state, Instant at) {
        try {
            return Json.compact().writeValueAsBytes(new Stored(FORMAT, id.value(), at, state));
        } catch (IOException e) {
            throw new StorageException("could not encode the status of backup " + id + ": " + e.getMessage(), false, e);
        }
    }

    /** The state of a backup: its status object, or, without one, what its manifest implies. */
    public BackupState read(Manifest m) {
        String key = Layout.statusKey(m.id());
        try (InputStream in = storage.get(key)) {
            Stored s = Json.compact().readValue(in.readNBytes(MAX_BYTES), Stored.class);
            if (s.state() != null && m.id().value().equals(s.id())) {
                return s.state();
            }
            LOG.warn("Status object {} does not belong to backup {}; using the state its manifest implies", key, m.id());
        } catch (BlobNotFoundException e) {
            // made before status objects, or its status could not be written
        } catch (IOException | RuntimeException e) {
            if (e instanceof StorageException se && !(e instanceof BlobNotFoundException)) {
                throw se;
            }
            LOG.warn("Status object {} cannot be read ({}); using the state its manifest implies", key, e.getMessage());
        }
        return BackupState.initial(m, "");
    }

    /** Applies a change to a backup's state. Never throws for a storage failure: logs it, returns what it tried. */
    public BackupState update(Manifest m, UnaryOperator<BackupState> change) {
        BackupState next;
        try {
            next = change.apply(read(m));
        } catch (StorageException e) {
            LOG.warn("Could not read the status of backup {} to update it: {}", m.id(), e.getMessage());
            return change.apply(BackupState.initial(m, ""));
        }
        try {
            write(m.id(), next);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the status of backup {} ({}): {}", m.id(), next.describe(), e.getMessage());
        }
        return next;
    }

    /** The time updates are stamped with. */
    public Instant now() {
        return clock.instant();
    }

    private void write(BackupId id, BackupState state) {
        storage.put(Layout.statusKey(id), ContentSource.of(encode(id, state, clock.instant())));
    }
}
