package io.backupkit.api;

import java.util.List;

/**
 * What a clean-up removed.
 *
 * @param backups        the backup folders affected (interrupted backups, or backups removed by retention)
 * @param objectsDeleted how many stored objects were deleted
 * @param bytesFreed     stored bytes released
 */
public record CleanupResult(List<String> backups, long objectsDeleted, long bytesFreed) {
    public CleanupResult {
        backups = List.copyOf(backups);
    }
}
