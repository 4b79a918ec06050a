package io.backupkit.spring.boot.actuate;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupType;
import io.backupkit.api.Manifest;
import io.backupkit.api.Operation;
import io.backupkit.spring.boot.BackupKitApplicationEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ApplicationListener;

/**
 * Micrometer meters: {@code backupkit.backup.duration} and {@code backupkit.restore.duration} timers tagged
 * {@code type} and {@code outcome} (success, failure), and the gauges {@code backupkit.stored.bytes},
 * {@code backupkit.backups} (count) and {@code backupkit.newest.backup.age}. The gauges read a catalogue snapshot taken
 * after each operation and at most once a minute otherwise, so a scrape never waits for the storage.
 */
public class BackupKitMetrics implements MeterBinder, ApplicationListener<BackupKitApplicationEvent> {
    private static final Duration SNAPSHOT_TTL = Duration.ofMinutes(1);

    private final BackupEngine engine;
    private final Clock clock;
    private final Map<String, BackupType> restoreTypes = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile Snapshot snapshot;

    public BackupKitMetrics(BackupEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = meterRegistry;
        Gauge.builder("backupkit.stored.bytes", this, m -> m.current().storedBytes).baseUnit("bytes")
                .description("Bytes the backups occupy in storage").register(meterRegistry);
        Gauge.builder("backupkit.backups", this, m -> m.current().count)
                .description("Backups in the catalogue").register(meterRegistry);
        TimeGauge.builder("backupkit.newest.backup.age", this, TimeUnit.SECONDS, m -> m.current().newestAgeSeconds())
                .description("Age of the newest successful backup (NaN when there is none)").register(meterRegistry);
    }

    @Override
    public void onApplicationEvent(BackupKitApplicationEvent event) {
        BackupEvent e = event.getEvent();
        MeterRegistry r = registry;
        if (r == null || (e.operation() != Operation.BACKUP && e.operation() != Operation.RESTORE)) {
            return;
        }
        if (e instanceof BackupEvent.Started s && s.operation() == Operation.RESTORE) {
            s.backupId().ifPresent(id -> restoreTypes.put(id.value(), typeOf(id)));
        } else if (e instanceof BackupEvent.Finished f) {
            record(r, f.operation(), f.backupId(), "success", f.duration());
        } else if (e instanceof BackupEvent.Failed f) {
            record(r, f.operation(), f.backupId(), "failure", f.duration());
        }
    }

    private void record(MeterRegistry r, Operation op, Optional<BackupId> id, String outcome, Duration duration) {
        String type = id.map(i -> op == Operation.RESTORE ? restoreTypes.getOrDefault(i.value(), typeOf(i)) : typeOf(i))
                .map(t -> t.name().toLowerCase(Locale.ROOT)).orElse("unknown");
        id.ifPresent(i -> restoreTypes.remove(i.value()));
        Timer.builder("backupkit." + op.name().toLowerCase(Locale.ROOT) + ".duration")
                .description("How long BackupKit " + op.name().toLowerCase(Locale.ROOT) + "s take")
                .tags("type", type, "outcome", outcome).register(r).record(duration);
        snapshot = null;
    }

    /** The type from the manifest, or from the id (ids carry the type's label) when there is no manifest. */
    private BackupType typeOf(BackupId id) {
        try {
            Optional<BackupType> t = engine.find(id).map(Manifest::type);
            if (t.isPresent()) {
                return t.get();
            }
        } catch (RuntimeException ignored) {
            // fall back to the id
        }
        for (BackupType t : BackupType.values()) {
            if (id.value().contains("-" + t.label() + "-")) {
                return t;
            }
        }
        return BackupType.FULL;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s == null || Duration.between(s.takenAt, now).compareTo(SNAPSHOT_TTL) > 0) {
            s = take(now);
            snapshot = s;
        }
        return s;
    }

    private Snapshot take(Instant now) {
        try {
            List<BackupInfo> all = engine.list();
            long bytes = all.stream().mapToLong(BackupInfo::storedBytes).sum();
            Optional<Instant> newest = all.stream().filter(b -> b.type() != BackupType.SAFETY)
                    .map(b -> b.finishedAt() != null ? b.finishedAt() : b.createdAt()).max(Instant::compareTo);
            return new Snapshot(now, bytes, all.size(), newest);
        } catch (RuntimeException e) {
            Snapshot previous = snapshot;
            return previous != null ? new Snapshot(now, previous.storedBytes, previous.count, previous.newest)
                    : new Snapshot(now, Double.NaN, Double.NaN, Optional.empty());
        }
    }

    private record Snapshot(Instant takenAt, double storedBytes, double count, Optional<Instant> newest) {
        double newestAgeSeconds() {
            return newest.map(n -> (double) Duration.between(n, takenAt).toSeconds()).orElse(Double.NaN);
        }
    }
}
