package io.backupkit.spring.boot.actuate;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupStats;
import io.backupkit.api.HealthReport;
import io.backupkit.api.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code backupkit} health component: UP when {@link BackupEngine#health()} finds no problem; otherwise
 * {@link #OUT_OF_DATE} (a status the application's aggregate ignores: a load balancer must not pull a healthy application
 * because a backup is late), or DOWN with {@code backupkit.health.affects-app=true}. Details: the newest successful
 * backup's time and age, and each problem.
 */
public class BackupKitHealthIndicator implements HealthIndicator {
    /** A backup is late, runs failed, or the storage is unreachable or over its limit. */
    public static final Status OUT_OF_DATE = new Status("OUT_OF_DATE", "backups need attention");

    private final BackupEngine engine;
    private final boolean affectsApp;
    private final Duration maxAge;

    public BackupKitHealthIndicator(BackupEngine engine, boolean affectsApp, Duration maxAge) {
        this.engine = engine;
        this.affectsApp = affectsApp;
        this.maxAge = maxAge;
    }

    @Override
    public Health health() {
        HealthReport report = engine.health();
        Health.Builder b = report.healthy() ? Health.up() : affectsApp ? Health.down() : Health.status(OUT_OF_DATE);
        b.withDetail("maxAge", maxAge.toString());
        newestSuccess().ifPresent(at -> {
            b.withDetail("newestBackup", at.toString());
            b.withDetail("newestBackupAgeSeconds", Math.max(0, Duration.between(at, report.checkedAt()).toSeconds()));
        });
        if (!report.healthy()) {
            b.withDetail("problems", report.problems().stream()
                    .map(p -> java.util.Map.of("kind", p.kind().name(), "message", p.message())).toList());
        }
        return b.build();
    }

    private Optional<Instant> newestSuccess() {
        try {
            BackupStats s = engine.stats();
            return s.lastSuccess().flatMap(OperationRecord::finishedAt);
        } catch (RuntimeException e) {
            return Optional.empty(); // the storage problem is in the report already
        }
    }
}
