package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import java.util.Optional;

/** Where things live in storage (docs/FORMAT.md). One place for every key the engine builds. */
final class Layout {
    public static final String BACKUPS = "backups/";
    public static final String MANIFEST = "manifest.json";
    /** The backup's status object, next to its manifest ({@link BackupStatusStore}). */
    public static final String STATUS = "status.json";
    public static final String LOGS = "logs/";
    public static final String PINS = "pins/";
    public static final String LOCKS = "locks/";
    public static final String SLOTS = LOCKS + "slots/";
    public static final String INTENTS = LOGS + "intents/";

    private Layout() {
    }

    /** {@code backups/<id>/} */
    public static String folder(BackupId id) {
        return BACKUPS + id.value() + "/";
    }

    /** {@code backups/<id>/manifest.json} */
    public static String manifestKey(BackupId id) {
        return folder(id) + MANIFEST;
    }

    /** {@code backups/<id>/status.json} */
    public static String statusKey(BackupId id) {
        return folder(id) + STATUS;
    }

    /** {@code backups/<id>/<path>} */
    public static String objectKey(BackupId id, String path) {
        return folder(id) + path;
    }

    /** {@code pins/<id>}: present while the backup is pinned. */
    public static String pinKey(BackupId id) {
        return PINS + id.value();
    }

    /** The backup id a key under {@code backups/} belongs to, if the key has that shape. */
    public static Optional<String> idOf(String key) {
        if (!key.startsWith(BACKUPS)) {
            return Optional.empty();
        }
        int slash = key.indexOf('/', BACKUPS.length());
        return slash < 0 ? Optional.empty() : Optional.of(key.substring(BACKUPS.length(), slash));
    }

    /** Whether the key is a manifest at its expected place. */
    public static boolean isManifest(String key) {
        return key.startsWith(BACKUPS) && key.endsWith("/" + MANIFEST)
                && key.indexOf('/', BACKUPS.length()) == key.length() - MANIFEST.length() - 1;
    }

    /** {@code locks/<name>.json}: a lease lock ({@link StorageLease}). */
    public static String lockKey(String name) {
        return LOCKS + name + ".json";
    }

    /** {@code logs/intents/<operation id>.json}: the intent record of a restore that has not finished ({@link RestoreIntent}). */
    public static String intentKey(String operationId) {
        return INTENTS + operationId + ".json";
    }

    /** {@code locks/slots/<job>/}: the run markers of a scheduled job. */
    public static String slotFolder(String job) {
        return SLOTS + job + "/";
    }

    /** {@code locks/slots/<job>/<slot>}: the marker that the run of one slot was claimed ({@link Scheduler}). */
    public static String slotKey(String job, String slot) {
        return slotFolder(job) + slot;
    }
}
