package io.backupkit.core;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.RetentionRules;
import io.backupkit.api.internal.Require;
import io.backupkit.core.internal.EngineContext;
import io.backupkit.core.internal.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backup on a schedule, optionally followed by a retention clean-up. Several application instances may run
 * the same scheduled job on one storage: each slot runs at most once among them (a lease lock and a per-slot marker
 * in the storage), a run never overlaps the previous one, and a slot missed while every instance was down can be run
 * once at start-up ({@link Builder#catchUp}).
 *
 * <pre>{@code
 * BackupScheduler nightly = BackupScheduler.builder(engine)
 *         .name("nightly")
 *         .schedule(Schedule.cron("0 2 * * *", ZoneId.of("Europe/Berlin")))
 *         .request(BackupRequest.of(BackupType.FULL))
 *         .retention(RetentionRules.of(RetentionPolicy.builder().keepDaily(7).keepWeekly(4).keepMonthly(12).build()))
 *         .start();
 * // ... at shutdown
 * nightly.close();
 * }</pre>
 *
 * Runs are recorded in the history with the actor {@code scheduler}.
 */
public final class BackupScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);

    private final Scheduler scheduler;
    private final Scheduler.ScheduledJob job;

    private BackupScheduler(Scheduler scheduler, Scheduler.ScheduledJob job) {
        this.scheduler = scheduler;
        this.job = job;
    }

    /** Starts configuring a scheduled backup for an engine built by {@link BackupKit}. */
    public static Builder builder(BackupEngine engine) {
        return new Builder(engine);
    }

    /** The job's name, shared by every instance that schedules it. */
    public String name() {
        return job.name();
    }

    /** When the next run is due. */
    public Optional<Instant> nextRun() {
        return job.nextSlot();
    }

    /** Runs this instance has performed. */
    public long runs() {
        return job.runs();
    }

    /** Runs of this instance that failed (each is also in the history with its error). */
    public long failures() {
        return job.failures();
    }

    /** Slots another instance ran. */
    public long skippedElsewhere() {
        return job.skippedElsewhere();
    }

    /** Stops scheduling; a run in progress gets a while to finish. */
    @Override
    public void close() {
        job.cancel();
        scheduler.close();
    }

    /**
     * Configures a scheduled backup. Each setter checks its argument at once ({@link IllegalArgumentException}) and
     * may be called once ({@link IllegalStateException} naming the setting); {@link #start()} fails with a
     * {@link ConfigurationException} when the schedule or the request is missing.
     */
    public static final class Builder {
        private final BackupEngine engine;
        private String name;
        private Schedule schedule;
        private BackupRequest request;
        private RetentionRules retention;
        private Boolean catchUp;
        private Duration leaseTtl;

        private Builder(BackupEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /**
         * The job's name (1-64 characters from A-Z a-z 0-9 . _ -; default {@code scheduled-backup}); instances sharing
         * a storage share jobs by name.
         */
        public Builder name(String name) {
            this.name = Require.once(this.name, Require.label("name", name), "name");
            return this;
        }

        /** When to run (required). */
        public Builder schedule(Schedule schedule) {
            this.schedule = Require.once(this.schedule, schedule, "schedule");
            return this;
        }

        /** What to back up at each run (required). */
        public Builder request(BackupRequest request) {
            this.request = Require.once(this.request, request, "request");
            return this;
        }

        /** Retention to apply after each successful run. */
        public Builder retention(RetentionRules rules) {
            this.retention = Require.once(this.retention, rules, "retention");
            return this;
        }

        /** Run a slot missed while no instance was running, once, at start (default false). */
        public Builder catchUp(boolean catchUp) {
            this.catchUp = Require.once(this.catchUp, catchUp, "catchUp");
            return this;
        }

        /**
         * How long a crashed instance's claim on the job lasts before another instance may run it (default 60 s, at
         * least 1 s).
         */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = Require.once(this.leaseTtl, Require.between("leaseTtl", ttl, Duration.ofSeconds(1), Duration.ofDays(1)), "leaseTtl");
            return this;
        }

        public BackupScheduler start() {
            if (schedule == null) {
                throw new ConfigurationException("no schedule: call schedule(Schedule.cron(\"0 2 * * *\", zone)) or "
                        + "schedule(Schedule.every(Duration.ofHours(6)))");
            }
            if (request == null) {
                throw new ConfigurationException("no backup request: call request(BackupRequest.of(BackupType.FULL))");
            }
            EngineContext core = EngineContext.of(engine).orElseThrow(() -> new ConfigurationException(
                    "BackupScheduler needs an engine built by BackupKit.builder(), got " + engine.getClass().getName()));
            BackupEngine asScheduler = engine.withActor("scheduler");
            Scheduler scheduler = Scheduler.builder(core.storage()).clock(core.clock())
                    .leaseTtl(leaseTtl != null ? leaseTtl : Duration.ofSeconds(60)).build();
            String jobName = name != null ? name : "scheduled-backup";
            BackupRequest what = request;
            RetentionRules rules = retention;
            Scheduler.ScheduledJob job = scheduler.schedule(jobName, schedule, catchUp != null && catchUp, run -> {
                BackupResult result = asScheduler.backup(what);
                LOG.info("Scheduled backup {} ran for slot {}: {}", jobName, run.slot(), result.id());
                if (rules != null) {
                    run.ensureLeaseHeld();
                    CleanupResult cleanup = asScheduler.cleanup(rules);
                    LOG.info("Scheduled backup {}: retention removed {} backup(s)", jobName, cleanup.backups().size());
                }
            });
            return new BackupScheduler(scheduler, job);
        }
    }
}
