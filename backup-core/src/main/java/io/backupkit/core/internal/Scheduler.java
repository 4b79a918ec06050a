package io.backupkit.core.internal;

import io.backupkit.api.CancelledException;
import io.backupkit.api.internal.Require;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on {@link Schedule}s, at most once per slot across every instance that shares the storage.
 *
 * <p>For each slot of a job, an instance:
 * <ol>
 *   <li>skips the slot if its own previous run of the job is still going (no overlapping runs);</li>
 *   <li>skips it if the slot's marker {@code locks/slots/<job>/<slot>} exists (another instance ran it);</li>
 *   <li>takes the job's lease lock {@code locks/schedule-<job>.json} ({@link StorageLease}); if another instance
 *       holds it (running this or a previous slot, or dead and not yet expired), it tries again every retry
 *       interval until the next slot is due. So a dead holder's lease is taken over as soon as it lapses, and a
 *       slot whose lock frees up within the slot (another instance's long run ended) still runs, late but never
 *       alongside that run. Its own previous run still going is different: that is known, and the slot is
 *       skipped at once (step 1);</li>
 *   <li>with the lease, checks the marker again, writes it, and runs the task while holding the lease (renewed by
 *       heartbeat), so no other instance starts the job meanwhile; then releases the lease.</li>
 * </ol>
 * A slot is claimed before it runs: a run that crashes half-way is not repeated by another instance
 * (at-most-once). Slots that pass while an instance sleeps or is busy are not run one by one: on waking it runs
 * only the latest due slot and logs the ones it skipped.
 *
 * <p><b>Catch-up.</b> A job scheduled with catch-up checks at start whether the latest slot before now was
 * missed (no marker, and the job's newest marker is older), and then runs that slot once, at once. A job that
 * has never run has missed nothing. Instances starting together still run it once (same lease and marker).
 *
 * <p>Markers are pruned to the newest {@code markerHistory} per job by whoever writes a new one. Time comes
 * from the clock and waiting from the {@link Sleeper}, both injectable for tests. {@link #close()} stops every
 * job, waits for running tasks up to the shutdown timeout, then interrupts them and releases their leases.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final StorageProvider storage;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String holderId;
    private final String host;
    private final long pid;
    private final Duration leaseTtl;
    private final Duration settleDelay;
    private final Duration retryInterval;
    private final int markerHistory;
    private final Duration shutdownTimeout;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Scheduler(Builder b) {
        this.storage = b.storage;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.holderId = b.holderIdOrRandom();
        this.host = HostIdentity.local().fingerprint();
        this.pid = HostIdentity.local().pid();
        this.leaseTtl = b.leaseTtl;
        this.settleDelay = b.settleDelay != null ? b.settleDelay : LeaseTimings.defaultSettleDelay(b.leaseTtl);
        this.retryInterval = b.retryInterval != null ? b.retryInterval : LeaseTimings.shorter(Duration.ofSeconds(5), b.leaseTtl.dividedBy(4));
        this.markerHistory = b.markerHistory;
        this.shutdownTimeout = b.shutdownTimeout;
    }

    /** A builder for a scheduler on {@code storage}. */
    public static Builder builder(StorageProvider storage) {
        return new Builder(storage);
    }

    /** What a task is told about the run it is doing. */
    public static final class SlotRun {
        /** The claim this run made; it names the job, the slot and whether the run catches up. */
        private final SlotMarker claim;
        private final StorageLease.Held lease;

        SlotRun(SlotMarker claim, StorageLease.Held lease) {
            this.claim = claim;
            this.lease = lease;
        }

        /** The job's name. */
        public String job() {
            return claim.job();
        }

        /** The instant this run was due. */
        public Instant slot() {
            return claim.slot();
        }

        /** Whether this run catches up a slot missed while no instance was running. */
        public boolean catchUp() {
            return claim.catchUp();
        }

        /** Whether this instance still holds the job's lease. */
        public boolean leaseHeld() {
            return lease.isHeld();
        }

        /** @throws io.backupkit.api.ConflictException if the lease was lost (call before irreversible steps) */
        public void ensureLeaseHeld() {
            lease.ensureHeld();
        }
    }

    /**
     * Schedules a job; its loop starts at once.
     *
     * @param name     the job's name, unique within the storage (1-64 of A-Z a-z 0-9 . _ -): instances with the
     *                 same job name share its slots
     * @param schedule when it runs
     * @param catchUp  whether to run a slot missed while no instance was running, once, at start
     * @param task     the work; an exception it throws is logged and the next slot runs as usual
     * @return a handle to watch or cancel the job
     * @throws IllegalArgumentException if the name is invalid or already scheduled here
     */
    public ScheduledJob schedule(String name, Schedule schedule, boolean catchUp, Consumer<SlotRun> task) {
        Require.label("job name", name);
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(task, "task");
        if (closed.get()) {
            throw new IllegalStateException("this scheduler was closed; create a new one");
        }
        Job job = new Job(name, schedule, catchUp, task);
        if (jobs.putIfAbsent(name, job) != null) {
            throw new IllegalArgumentException("a job named '" + name + "' is already scheduled on this scheduler");
        }
        job.threads.startLoop();
        return job.handle;
    }

    /** The slot as it appears in marker keys: {@code 20260304T020000Z}. */
    public static String slotKey(Instant slot) {
        return IdTime.format(slot);
    }

    /**
     * Stops every job: no new slots start; running tasks get up to the shutdown timeout to finish, then are
     * interrupted; leases are released. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        jobs.values().forEach(Job::stopLoop);
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        for (Job job : jobs.values()) {
            job.threads.awaitStop(Math.max(0, deadline - System.nanoTime()));
        }
    }

    /** A handle to a scheduled job. */
    public final class ScheduledJob {
        private final Job job;

        private ScheduledJob(Job job) {
            this.job = job;
        }

        public String name() {
            return job.name;
        }

        public Schedule schedule() {
            return job.schedule;
        }

        /** Whether a run of this job is going on in this instance. */
        public boolean isRunning() {
            return job.running.get();
        }

        /** Runs this instance started. */
        public long runs() {
            return job.runs.get();
        }

        /** Runs that ended with an exception. */
        public long failures() {
            return job.failures.get();
        }

        /** Slots this instance did not run because its own previous run was still going. */
        public long skippedOverlapping() {
            return job.skippedOverlapping.get();
        }

        /** Slots this instance did not run because another instance ran them or held the lease throughout. */
        public long skippedElsewhere() {
            return job.skippedElsewhere.get();
        }

        /** The next slot the loop waits for. */
        public Optional<Instant> nextSlot() {
            return Optional.ofNullable(job.nextSlot.get());
        }

        /** Stops this job (as {@link Scheduler#close()} does for all). */
        public void cancel() {
            job.stopLoop();
            job.threads.awaitStop(shutdownTimeout.toNanos());
            jobs.remove(job.name, job);
        }
    }

    private final class Job {
        final String name;
        final Schedule schedule;
        final boolean catchUp;
        final Consumer<SlotRun> task;
        final StorageLease lease;
        final SlotMarkers markers;
        final ScheduledJob handle = new ScheduledJob(this);
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicBoolean stopped = new AtomicBoolean();
        final AtomicLong runs = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong skippedOverlapping = new AtomicLong();
        final AtomicLong skippedElsewhere = new AtomicLong();
        final AtomicReference<Instant> nextSlot = new AtomicReference<>();
        final JobThreads threads;

        Job(String name, Schedule schedule, boolean catchUp, Consumer<SlotRun> task) {
            this.name = name;
            this.schedule = schedule;
            this.catchUp = catchUp;
            this.task = task;
            this.markers = new SlotMarkers(storage, name, markerHistory);
            this.lease = StorageLease.builder(storage, "schedule-" + name).ttl(leaseTtl).settleDelay(settleDelay)
                    .retryInterval(retryInterval).clock(clock).sleeper(sleeper).holderId(holderId + "/" + name).host(host)
                    .pid(pid).onLost(reason -> LOG.error("job '{}' lost its lease while running ({}); another instance may "
                            + "start its next slot before this run ends", name, reason))
                    .build();
            this.threads = new JobThreads(name, this::loop, shutdownTimeout);
        }

        void stopLoop() {
            stopped.set(true);
            threads.interruptLoop();
        }

        private void loop() {
            try {
                Instant cursor = clock.instant();
                if (catchUp) {
                    Optional<Instant> missed = markers.missed(schedule, cursor);
                    if (missed.isPresent()) {
                        LOG.info("job '{}': slot {} was missed while no instance was running; running it now (catch-up)",
                                name, missed.get());
                        handle(missed.get(), true, schedule.nextAfter(cursor).orElse(cursor.plus(leaseTtl)));
                    }
                }
                while (!stopped.get()) {
                    Optional<Instant> next = schedule.nextAfter(cursor);
                    if (next.isEmpty()) {
                        LOG.info("job '{}': {} has no further slots; the job ends", name, schedule);
                        return;
                    }
                    nextSlot.set(next.get());
                    sleepUntil(next.get());
                    Instant now = clock.instant();
                    Instant due = schedule.lastAtOrBefore(now).filter(d -> d.isAfter(next.get())).orElse(next.get());
                    if (due.isAfter(next.get())) {
                        LOG.warn("job '{}': slots from {} to before {} passed while this instance was busy or asleep; "
                                + "running only the latest, {}", name, next.get(), due, due);
                    }
                    // While this slot runs, the next run is the one after it (what 'next run' shows meanwhile).
                    nextSlot.set(schedule.nextAfter(due).orElse(null));
                    handle(due, false, schedule.nextAfter(due).orElse(due.plus(leaseTtl)));
                    cursor = due;
                }
            } catch (InterruptedException | CancelledException e) {
                LOG.debug("job '{}': loop stopped", name);
            } catch (RuntimeException | Error e) {
                LOG.error("job '{}': the scheduling loop failed and stops; no further slots will run in this instance", name, e);
            } finally {
                nextSlot.set(null);
            }
        }

        private void sleepUntil(Instant t) throws InterruptedException {
            while (!stopped.get()) {
                Instant now = clock.instant();
                if (!now.isBefore(t)) {
                    return;
                }
                sleeper.sleep(Duration.between(now, t));
            }
            throw new InterruptedException("stopped");
        }

        /** Runs one slot if this instance is the one to run it; returns when it was started or skipped. */
        private void handle(Instant slot, boolean catchUpRun, Instant windowEnd) throws InterruptedException {
            if (running.get()) {
                skippedOverlapping.incrementAndGet();
                LOG.warn("job '{}': skipping slot {} because the previous run in this instance is still going", name, slot);
                return;
            }
            while (!stopped.get()) {
                try {
                    if (markers.claimed(slot)) {
                        skippedElsewhere.incrementAndGet();
                        LOG.debug("job '{}': slot {} was already run by another instance", name, slot);
                        return;
                    }
                    Optional<StorageLease.Held> held = lease.tryAcquire();
                    if (held.isPresent()) {
                        claimAndRun(slot, catchUpRun, held.get());
                        return;
                    }
                } catch (CancelledException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.warn("job '{}': could not check or claim slot {} ({}); trying again", name, slot, e.getMessage(), e);
                }
                if (!clock.instant().plus(retryInterval).isBefore(windowEnd)) {
                    skippedElsewhere.incrementAndGet();
                    LOG.info("job '{}': skipping slot {}: the job's lock stayed taken until the next slot ({})", name, slot,
                            lease.current().map(LeaseRecord::describe).orElse("no holder any more"));
                    return;
                }
                sleeper.sleep(retryInterval);
            }
        }

        private void claimAndRun(Instant slot, boolean catchUpRun, StorageLease.Held held) {
            boolean submitted = false;
            try {
                if (markers.claimed(slot)) {
                    skippedElsewhere.incrementAndGet();
                    LOG.debug("job '{}': slot {} was run by another instance just before this one took the lock", name, slot);
                    return;
                }
                held.ensureHeld();
                SlotMarker marker = new SlotMarker(name, slot, held.record().holder(), host, pid, held.token(),
                        clock.instant(), catchUpRun);
                markers.claim(marker);
                running.set(true);
                runs.incrementAndGet();
                SlotRun run = new SlotRun(marker, held);
                threads.runOnWorker(() -> execute(run, held));
                submitted = true;
            } finally {
                if (!submitted) {
                    running.set(false);
                    held.close();
                }
            }
        }

        private void execute(SlotRun run, StorageLease.Held held) {
            LOG.info("job '{}': running slot {}{}", name, run.slot(), run.catchUp() ? " (catch-up)" : "");
            try {
                task.accept(run);
            } catch (RuntimeException | Error e) {
                failures.incrementAndGet();
                LOG.error("job '{}': the run of slot {} failed", name, run.slot(), e);
            } finally {
                try {
                    held.close();
                } catch (RuntimeException e) {
                    LOG.warn("job '{}': could not release its lock after slot {}; it lapses by itself after {}",
                            name, run.slot(), leaseTtl, e);
                } finally {
                    running.set(false);
                }
            }
        }
    }

    /** Builds a {@link Scheduler}. */
    public static final class Builder extends ContenderBuilder<Builder> {
        private final StorageProvider storage;
        private Duration leaseTtl = Duration.ofSeconds(60);
        private Duration settleDelay;
        private Duration retryInterval;
        private int markerHistory = 100;
        private Duration shutdownTimeout = Duration.ofSeconds(60);

        private Builder(StorageProvider storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
        }

        /** Lease ttl of the job locks (default 60 s): how long a dead instance blocks its jobs. */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = Objects.requireNonNull(ttl, "leaseTtl");
            return this;
        }

        /** The lease settle delay (default the smaller of 1 s and ttl/6); see {@link StorageLease}. */
        public Builder settleDelay(Duration delay) {
            this.settleDelay = Objects.requireNonNull(delay, "settleDelay");
            return this;
        }

        /** How often to retry a busy job lock within a slot (default the smaller of 5 s and ttl/4). */
        public Builder retryInterval(Duration interval) {
            this.retryInterval = LeaseTimings.retryInterval(interval);
            return this;
        }

        /** How many slot markers to keep per job (default 100, at least 1). */
        public Builder markerHistory(int markers) {
            this.markerHistory = (int) Require.atLeast("markerHistory", markers, 1);
            return this;
        }

        /** How long {@link #close()} waits for running tasks before interrupting them (default 60 s). */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Require.notNegative("shutdownTimeout", timeout);
            return this;
        }

        public Scheduler build() {
            // Validate the lease settings now, not when the first job is scheduled.
            StorageLease.builder(storage, "schedule-check").ttl(leaseTtl)
                    .settleDelay(settleDelay != null ? settleDelay : LeaseTimings.defaultSettleDelay(leaseTtl))
                    .heartbeat(false).build();
            return new Scheduler(this);
        }
    }
}
