package io.backupkit.spring.boot;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.RetentionRules;
import io.backupkit.core.BackupScheduler;
import io.backupkit.core.Schedule;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The {@code backupkit.schedule.*} backup, running while the application context runs: started after the context
 * refreshed, stopped (a run in progress gets a while to finish) when it closes. Instances sharing a storage run each
 * slot once among them.
 */
public class ScheduledBackupLifecycle implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledBackupLifecycle.class);

    private final BackupEngine engine;
    private final String name;
    private final Schedule schedule;
    private final BackupRequest request;
    private final Optional<RetentionRules> retention;
    private final boolean catchUp;
    private volatile BackupScheduler running;

    public ScheduledBackupLifecycle(BackupEngine engine, String name, Schedule schedule, BackupRequest request,
                                    Optional<RetentionRules> retention, boolean catchUp) {
        this.engine = engine;
        this.name = name;
        this.schedule = schedule;
        this.request = request;
        this.retention = retention;
        this.catchUp = catchUp;
    }

    @Override
    public synchronized void start() {
        if (running != null) {
            return;
        }
        BackupScheduler.Builder b = BackupScheduler.builder(engine).name(name).schedule(schedule).request(request)
                .catchUp(catchUp);
        retention.ifPresent(b::retention);
        running = b.start();
        LOG.info("BackupKit scheduled backup '{}' ({}): next run {}", name, schedule,
                running.nextRun().or(() -> schedule.nextAfter(java.time.Instant.now())).map(Object::toString).orElse("never"));
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.close();
            running = null;
            LOG.info("BackupKit scheduled backup '{}' stopped", name);
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    /** The scheduler while the context runs. */
    public Optional<BackupScheduler> scheduler() {
        return Optional.ofNullable(running);
    }
}
