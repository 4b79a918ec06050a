package io.backupkit.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Figures for a dashboard, read from the storage (catalogue and history). Safety backups are counted in
 * {@code backupsByType} but, as in {@link BackupEngine#health()}, their runs are not backup runs: the
 * {@code backupRunsByStatus}, {@code lastSuccess}, {@code lastFailure} and durations are of the backups callers
 * asked for.
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
 * @param backupsByIntegrity complete backups per integrity (UNVERIFIED, VERIFIED, DAMAGED, MISSING_OBJECTS)
 * @param incompleteBackups the INCOMPLETE backups (taken with allowIncomplete), newest first
 */
public record BackupStats(Map<BackupType, Long> backupsByType, Map<BackupStatus, Long> backupRunsByStatus,
                          long totalStoredBytes, Optional<Instant> oldestBackup, Optional<Instant> newestBackup,
                          Optional<OperationRecord> lastSuccess, Optional<OperationRecord> lastFailure,
                          Duration averageDuration, Optional<Duration> lastDuration,
                          Map<BackupState.Integrity, Long> backupsByIntegrity, java.util.List<BackupId> incompleteBackups) {
    public BackupStats {
        backupsByType = Map.copyOf(backupsByType);
        backupRunsByStatus = Map.copyOf(backupRunsByStatus);
        oldestBackup = oldestBackup == null ? Optional.empty() : oldestBackup;
        newestBackup = newestBackup == null ? Optional.empty() : newestBackup;
        lastSuccess = lastSuccess == null ? Optional.empty() : lastSuccess;
        lastFailure = lastFailure == null ? Optional.empty() : lastFailure;
        averageDuration = averageDuration == null ? Duration.ZERO : averageDuration;
        lastDuration = lastDuration == null ? Optional.empty() : lastDuration;
        backupsByIntegrity = backupsByIntegrity == null ? Map.of() : Map.copyOf(backupsByIntegrity);
        incompleteBackups = incompleteBackups == null ? java.util.List.of() : java.util.List.copyOf(incompleteBackups);
    }

    /** Figures without the per-backup states. */
    public BackupStats(Map<BackupType, Long> backupsByType, Map<BackupStatus, Long> backupRunsByStatus,
                       long totalStoredBytes, Optional<Instant> oldestBackup, Optional<Instant> newestBackup,
                       Optional<OperationRecord> lastSuccess, Optional<OperationRecord> lastFailure,
                       Duration averageDuration, Optional<Duration> lastDuration) {
        this(backupsByType, backupRunsByStatus, totalStoredBytes, oldestBackup, newestBackup, lastSuccess, lastFailure,
                averageDuration, lastDuration, null, null);
    }

    /** Number of complete backups of every type. */
    public long totalBackups() {
        return backupsByType.values().stream().mapToLong(Long::longValue).sum();
    }
}
