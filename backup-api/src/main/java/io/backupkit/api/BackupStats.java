package io.backupkit.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Figures for a dashboard, read from the storage (catalogue and history).
 *
 * @param backupsByType    complete backups per type
 * @param backupRunsByStatus backup operations in the history per final (or current) status
 * @param totalStoredBytes bytes all complete backups occupy
 * @param oldestBackup     creation time of the oldest complete backup
 * @param newestBackup     creation time of the newest complete backup
 * @param lastSuccess      the most recent backup operation that completed
 * @param lastFailure      the most recent backup operation that failed
 * @param averageDuration  mean duration of completed backup operations
 * @param lastDuration     duration of the most recent completed backup operation
 */
public record BackupStats(Map<BackupType, Long> backupsByType, Map<BackupStatus, Long> backupRunsByStatus,
                          long totalStoredBytes, Optional<Instant> oldestBackup, Optional<Instant> newestBackup,
                          Optional<OperationRecord> lastSuccess, Optional<OperationRecord> lastFailure,
                          Duration averageDuration, Optional<Duration> lastDuration) {
    public BackupStats {
        backupsByType = Map.copyOf(backupsByType);
        backupRunsByStatus = Map.copyOf(backupRunsByStatus);
        oldestBackup = oldestBackup == null ? Optional.empty() : oldestBackup;
        newestBackup = newestBackup == null ? Optional.empty() : newestBackup;
        lastSuccess = lastSuccess == null ? Optional.empty() : lastSuccess;
        lastFailure = lastFailure == null ? Optional.empty() : lastFailure;
        averageDuration = averageDuration == null ? Duration.ZERO : averageDuration;
        lastDuration = lastDuration == null ? Optional.empty() : lastDuration;
    }

    /** Number of complete backups of every type. */
    public long totalBackups() {
        return backupsByType.values().stream().mapToLong(Long::longValue).sum();
    }
}
