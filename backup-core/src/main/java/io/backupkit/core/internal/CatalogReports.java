package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupState;
import io.backupkit.api.BackupStats;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.HealthReport;
import io.backupkit.api.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code stats()} and {@code health()} from the catalogue (with each backup's state) and the history. Both look at
 * safety backups the same way: they are listed and counted as backups, but their runs are not backup runs (a restore
 * took them), and a safety backup is never "the newest successful backup".
 */
final class CatalogReports {
    private CatalogReports() {
    }

    /** The backup runs callers asked for (safety backups taken by restores left out), newest first. */
    static List<OperationRecord> backupRuns(List<OperationRecord> backupRecords) {
        return backupRecords.stream().filter(r -> !r.safetyBackupRun()).toList();
    }

    static BackupStats stats(List<BackupInfo> backups, List<OperationRecord> backupRecords) {
        Map<BackupType, Long> byType = new EnumMap<>(BackupType.class);
        Map<BackupState.Integrity, Long> byIntegrity = new EnumMap<>(BackupState.Integrity.class);
        backups.forEach(b -> {
            byType.merge(b.type(), 1L, Long::sum);
            byIntegrity.merge(b.state().integrity(), 1L, Long::sum);
        });
        List<BackupId> incomplete = backups.stream()
                .filter(b -> b.state().completeness() == BackupState.Completeness.INCOMPLETE).map(BackupInfo::id).toList();
        List<OperationRecord> runs = backupRuns(backupRecords);
        Map<BackupStatus, Long> byStatus = new EnumMap<>(BackupStatus.class);
        runs.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
        List<OperationRecord> completed = runs.stream().filter(r -> r.status() == BackupStatus.COMPLETED).toList();
        Duration average = completed.isEmpty() ? Duration.ZERO
                : completed.stream().map(OperationRecord::duration).reduce(Duration.ZERO, Duration::plus)
                .dividedBy(completed.size());
        return new BackupStats(byType, byStatus, backups.stream().mapToLong(BackupInfo::storedBytes).sum(),
                backups.stream().map(BackupInfo::createdAt).min(Comparator.naturalOrder()),
                backups.stream().map(BackupInfo::createdAt).max(Comparator.naturalOrder()),
                completed.stream().findFirst(),
                runs.stream().filter(r -> r.status() == BackupStatus.FAILED).findFirst(),
                average, completed.stream().findFirst().map(OperationRecord::duration), byIntegrity, incomplete);
    }

    static HealthReport health(List<BackupInfo> backups, List<OperationRecord> backupRecords, HealthPolicy policy,
                               Instant now, String storage) {
        List<HealthReport.Problem> problems = new ArrayList<>();
        // An unreadable manifest (status DAMAGED) is never the newest good backup.
        Optional<BackupInfo> newest = backups.stream().filter(b -> b.type() != BackupType.SAFETY)
                .filter(b -> b.status() == BackupStatus.COMPLETED)
                .max(Comparator.comparing(BackupInfo::createdAt).thenComparing(BackupInfo::id));
        if (newest.isEmpty()) {
            problems.add(new HealthReport.Problem(HealthReport.Kind.STALE_BACKUP, "there is no successful backup in "
                    + storage));
        } else if (newest.get().createdAt().isBefore(now.minus(policy.maxBackupAge()))) {
            problems.add(new HealthReport.Problem(HealthReport.Kind.STALE_BACKUP, "the newest successful backup, "
                    + newest.get().id() + ", is from " + newest.get().createdAt() + ", older than "
                    + formatAge(policy.maxBackupAge())));
        }
        newest.filter(b -> b.state().damaged()).ifPresent(b -> problems.add(new HealthReport.Problem(
                HealthReport.Kind.DAMAGED_BACKUP, "the newest backup, " + b.id() + ", is " + b.state().integrity()
                + b.state().checkedAt().map(t -> " (found " + t + ")").orElse("") + ": "
                + String.join("; ", b.state().problems()) + "; take a new backup, or re-import an exported copy")));
        List<OperationRecord> finished = backupRuns(backupRecords).stream().filter(r -> r.status() != BackupStatus.RUNNING
                && r.status() != BackupStatus.PENDING).toList();
        if (finished.size() >= policy.failedRunsInARow() && finished.subList(0, policy.failedRunsInARow()).stream()
                .allMatch(r -> r.status() == BackupStatus.FAILED)) {
            problems.add(new HealthReport.Problem(HealthReport.Kind.FAILING_RUNS, "the last " + policy.failedRunsInARow()
                    + " backup runs failed; the latest: " + finished.get(0).error().orElse("(no message)")));
        }
        long stored = backups.stream().mapToLong(BackupInfo::storedBytes).sum();
        if (policy.maxStoredBytes().isPresent() && stored > policy.maxStoredBytes().getAsLong()) {
            problems.add(new HealthReport.Problem(HealthReport.Kind.STORAGE_OVER_LIMIT, "backups occupy " + stored
                    + " bytes, more than the limit of " + policy.maxStoredBytes().getAsLong()
                    + "; tighten the retention policy or raise the limit"));
        }
        return new HealthReport(now, problems);
    }

    /** {@code 25 hours}, {@code 1 minute}, {@code 90 seconds}: the largest whole unit. */
    static String formatAge(Duration d) {
        long s = d.getSeconds();
        if (s % 86_400 == 0 && s >= 86_400 * 2) {
            return plural(s / 86_400, "day");
        }
        if (s % 3_600 == 0) {
            return plural(s / 3_600, "hour");
        }
        if (s % 60 == 0) {
            return plural(s / 60, "minute");
        }
        return plural(s, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
