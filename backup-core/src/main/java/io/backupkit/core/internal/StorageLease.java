package io.backupkit.core.internal;

import io.backupkit.api.CancelledException;
import io.backupkit.api.ConflictException;
import io.backupkit.api.StorageException;
import io.backupkit.api.internal.Require;
import io.backupkit.api.spi.StorageProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease lock kept as an object in the storage, {@code locks/<name>.json} ({@link LeaseRecord}): who holds it,
 * from which host and process, since when, until when. The holder renews it by a heartbeat every {@code ttl/3};
 * a holder that dies stops renewing, and after {@code ttl} anyone may take the lease over.
 *
 * <p><b>Acquiring without compare-and-swap.</b> Storages offer no conditional put, so acquiring is: read the
 * record; if it is absent or expired, write ours with a fencing token one higher than the record we replaced;
 * wait a <em>settle delay</em>; read it back, and hold the lease only if the record is still exactly ours. Two
 * contenders that both saw the lease free both write, but only the last write survives, so after the delay at
 * most one of them reads back its own record. The remaining race: a contender that read "free" and then stalls
 * for longer than the settle delay before its write lands can overwrite a winner that has already confirmed.
 * Guards: a contender measures its own read-to-write time (including the whole put), reads again if it paused
 * for more than half the settle delay before writing, and withdraws (claims nothing, and leaves its record to
 * lapse after one ttl) if its put returned more than the settle delay after its read. The winner it overwrote then finds, at its next
 * heartbeat (which checks holder and fencing token), that the lease is {@linkplain Held#isHeld() lost}, so at no
 * time do two contenders both believe they hold it. What the guards cannot see is a write that becomes visible
 * only after its put returned (an eventually consistent store), which the settle delay must cover. Work guarded
 * by a lease should call {@link Held#ensureHeld()} before each irreversible step.
 *
 * <p><b>Clocks.</b> Expiry compares the holder's clock (written into {@code expires}) with the contender's, so
 * the ttl must be much longer than the clock skew between hosts (NTP keeps it well under a second). The storage
 * must give read-after-write consistency for overwrites (local disks, S3 since 2020); on a storage without it the
 * settle delay must also cover the propagation time.
 *
 * <p>One {@code StorageLease} is one contender with one holder id; it may hold the lease at most once at a time.
 */
public final class StorageLease {
    private static final Logger LOG = LoggerFactory.getLogger(StorageLease.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final String name;
    private final LeaseStore store;
    private final LeaseTakeover takeover;
    private final Duration ttl;
    private final Duration settleDelay;
    private final Duration retryInterval;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String holderId;
    private final String host;
    private final long pid;
    /** When the holder process started (null when unknown or posed): tells a reused pid from the holder. */
    private final Instant processStart;
    private final boolean heartbeat;
    private final Consumer<String> onLost;
    private final BooleanSupplier renewWhile;

    private StorageLease(Builder b) {
        this.name = b.name;
        this.ttl = b.ttl;
        this.settleDelay = b.settleDelay;
        this.retryInterval = b.retryInterval != null ? b.retryInterval : LeaseTimings.shorter(ttl.dividedBy(4), Duration.ofSeconds(1));
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.holderId = b.holderIdOrRandom();
        this.host = b.host != null ? b.host : HostIdentity.local().fingerprint();
        this.pid = b.pid != null ? b.pid : HostIdentity.local().pid();
        this.processStart = pid == HostIdentity.local().pid() ? HostIdentity.local().processStart().orElse(null) : null;
        this.heartbeat = b.heartbeat;
        this.onLost = b.onLost;
        this.renewWhile = b.renewWhile;
        this.store = new LeaseStore(b.storage, name, ttl);
        this.takeover = new LeaseTakeover(name, host, pid, ttl);
        // Load Jackson's serialiser now, not in the middle of an acquisition's read-to-write window.
        LeaseStore.serialize(new LeaseRecord(name, holderId, host, pid, processStart, 0, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH));
    }

    /** A builder for the lease {@code name} in {@code storage}. */
    public static Builder builder(StorageProvider storage, String name) {
        return new Builder(storage, name);
    }

    /** The lock's name. */
    public String name() {
        return name;
    }

    /** This contender's holder id. */
    public String holderId() {
        return holderId;
    }

    /** The time to live of a lease that is not renewed. */
    public Duration ttl() {
        return ttl;
    }

    /** The current record, if any (expired or not). An unreadable record is reported as absent. */
    public Optional<LeaseRecord> current() {
        return store.read().record();
    }

    /**
     * Tries once to take the lease.
     *
     * @return the held lease, or empty if someone else holds it (or won the race for it)
     * @throws StorageException if the storage fails
     * @throws CancelledException if interrupted during the settle delay
     */
    public Optional<Held> tryAcquire() {
        LeaseRecord ours = null;
        for (int attempt = 1; ours == null; attempt++) {
            long started = System.nanoTime();
            Instant now = clock.instant();
            LeaseStore.Observed seen = store.read();
            if (takeover.heldAt(seen, now)) {
                LOG.debug("lease '{}' is busy: {}", name, seen.describe());
                return Optional.empty();
            }
            long token = seen.record().map(r -> r.token() + 1).orElse(seen.unreadable() ? now.toEpochMilli() : 1L);
            LeaseRecord candidate = new LeaseRecord(name, holderId, host, pid, processStart, token, now, now, now.plus(ttl));
            byte[] json = LeaseStore.serialize(candidate);
            if (guarded() && System.nanoTime() - started > settleDelay.toNanos() / 2) {
                // We paused since reading (GC, class loading): what we read may be stale. Read again.
                if (attempt == 3) {
                    LOG.warn("lease '{}': three attempts each paused longer than half the settle delay ({}) between "
                            + "reading and writing the lock; not taking it this time (if the storage is this slow to read, "
                            + "raise the settle delay above twice its read latency)", name, settleDelay);
                    return Optional.empty();
                }
                continue;
            }
            store.put(json);
            if (guarded() && System.nanoTime() - started > settleDelay.toNanos()) {
                // Our write landed later than a winner's confirmation could have happened, so it may have replaced
                // a confirmed holder. Withdraw without claiming, but leave our record: deleting it would let a third
                // contender in while the overwritten holder still believes it holds the lease until its next
                // heartbeat. The record lapses after one ttl.
                LOG.warn("lease '{}': writing the lock took longer than the settle delay ({}); withdrawing the attempt "
                        + "(the lock stays blocked until {})", name, settleDelay, candidate.expires());
                return Optional.empty();
            }
            ours = candidate;
        }
        sleep(settleDelay);
        Optional<LeaseRecord> after = store.read().record();
        if (after.isEmpty() || !after.get().isHeldBy(holderId, ours.token())) {
            LOG.debug("lease '{}': lost the race to {}", name, after.map(LeaseRecord::describe).orElse("nobody (deleted)"));
            return Optional.empty();
        }
        LOG.debug("lease '{}' acquired by {} (token {})", name, holderId, ours.token());
        Held held = new Held(ours);
        if (heartbeat) {
            held.startHeartbeat();
        }
        return Optional.of(held);
    }

    /** The read-to-write timing checks need a settle delay; zero turns them off (single-threaded tests on a fake clock). */
    private boolean guarded() {
        return !settleDelay.isZero();
    }

    /**
     * Takes the lease, trying every retry interval for up to {@code maxWait}.
     *
     * @throws ConflictException naming the holder if the lease is still held by someone else after {@code maxWait}
     */
    public Held acquire(Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        Instant deadline = clock.instant().plus(maxWait);
        while (true) {
            Optional<Held> held = tryAcquire();
            if (held.isPresent()) {
                return held.get();
            }
            if (!clock.instant().isBefore(deadline)) {
                String by = current().map(LeaseRecord::describe).orElse("another contender");
                throw new ConflictException("the storage lock '" + name + "' at " + store.location()
                        + " is held by " + by + ": another operation is running on this storage; try again when it has finished"
                        + " (a lock of a process that died lapses by itself after " + ttl.toSeconds() + " s)");
            }
            sleep(retryInterval);
        }
    }

    private void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("interrupted while waiting for the storage lock '" + name + "'");
        }
    }

    /**
     * A lease this contender holds. Renewed by its heartbeat (if enabled) or by {@link #renew()}; given back by
     * {@link #close()}.
     */
    public final class Held implements AutoCloseable {
        private volatile LeaseRecord record;
        private volatile String lostReason;
        private final AtomicBoolean closed = new AtomicBoolean();
        private ScheduledExecutorService heartbeatThread;

        private Held(LeaseRecord record) {
            this.record = record;
        }

        /** The fencing token of this holding; stamp it on work done under the lease. */
        public long token() {
            return record.token();
        }

        /** The record as last written by this holder. */
        public LeaseRecord record() {
            return record;
        }

        /** Whether the lease is still ours: not released, not found taken over, and not past its expiry. */
        public boolean isHeld() {
            return lostReason == null && !closed.get() && !record.expiredAt(clock.instant());
        }

        /** Why the lease was lost, if it was. */
        public Optional<String> lostReason() {
            if (lostReason != null) {
                return Optional.of(lostReason);
            }
            if (!closed.get() && record.expiredAt(clock.instant())) {
                return Optional.of("it expired at " + record.expires() + " without being renewed");
            }
            return Optional.empty();
        }

        /** @throws ConflictException if the lease is no longer held, saying why */
        public void ensureHeld() {
            if (closed.get()) {
                throw new ConflictException("the storage lock '" + name + "' was already released");
            }
            Optional<String> lost = lostReason();
            if (lost.isPresent()) {
                throw new ConflictException("the storage lock '" + name + "' is no longer held: " + lost.get());
            }
        }

        /**
         * One heartbeat: checks the stored record is still ours (holder and fencing token) and extends it by
         * {@code ttl}. A heartbeat that comes too late (less than the settle delay before expiry, when a
         * contender may be taking over) gives the lease up rather than race.
         *
         * @return whether the lease is still held
         */
        public synchronized boolean renew() {
            if (lostReason != null || closed.get()) {
                return false;
            }
            Instant now = clock.instant();
            if (!now.plus(settleDelay).isBefore(record.expires())) {
                return lose("the heartbeat came too late: it expired at " + record.expires());
            }
            Optional<LeaseRecord> stored = store.read().record();
            if (stored.isEmpty()) {
                return lose("its lock object " + store.key() + " was deleted");
            }
            if (!stored.get().isHeldBy(holderId, record.token())) {
                return lose("it was taken over by " + stored.get().describe() + " (token " + stored.get().token() + ")");
            }
            LeaseRecord renewed = new LeaseRecord(name, holderId, host, pid, processStart, record.token(), record.acquired(), now, now.plus(ttl));
            store.write(renewed);
            Instant written = clock.instant();
            if (!written.isBefore(record.expires())) {
                // We stalled past our expiry between reading and writing: a contender may have taken over meanwhile
                // and we may have overwritten it. Give up; its own heartbeat will see our record and give up too.
                return lose("the heartbeat write landed at " + written + ", after the lease expired at " + record.expires());
            }
            record = renewed;
            return true;
        }

        private boolean lose(String reason) {
            lostReason = reason;
            LOG.warn("lost the storage lock '{}' ({}): {}", name, holderId, reason);
            stopHeartbeat();
            try {
                onLost.accept(reason);
            } catch (RuntimeException e) {
                LOG.warn("the lease-lost callback of '{}' failed", name, e);
            }
            return false;
        }

        private void startHeartbeat() {
            long period = Math.max(1, ttl.toMillis() / 3);
            heartbeatThread = Executors.newSingleThreadScheduledExecutor(JobThreads.daemon("backupkit-lease-" + name));
            heartbeatThread.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
        }

        private void heartbeat() {
            if (!renewWhile.getAsBoolean()) {
                return; // the work was given up but its thread may still run: let the lease lapse, never keep it
            }
            try {
                renew();
            } catch (RuntimeException e) {
                // A storage hiccup: the next beat tries again; if none succeeds before expiry, renew() gives up.
                LOG.warn("heartbeat of the storage lock '{}' failed; retrying in {} ms", name, ttl.toMillis() / 3, e);
            }
        }

        private void stopHeartbeat() {
            ScheduledExecutorService t = heartbeatThread;
            if (t != null) {
                t.shutdownNow();
            }
        }

        /**
         * Gives the lease back: stops the heartbeat and deletes the lock object, but only if the stored record is
         * still ours and not expired (otherwise a contender may already be taking it over). Idempotent.
         */
        @Override
        public synchronized void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            stopHeartbeat();
            if (lostReason != null) {
                return;
            }
            Optional<LeaseRecord> stored = store.read().record();
            if (stored.isPresent() && stored.get().isHeldBy(holderId, record.token())
                    && clock.instant().plus(settleDelay).isBefore(stored.get().expires())) {
                store.delete();
                LOG.debug("lease '{}' released by {}", name, holderId);
            }
        }
    }

    /** Builds a {@link StorageLease}. */
    public static final class Builder extends ContenderBuilder<Builder> {
        private final StorageProvider storage;
        private final String name;
        private Duration ttl = Duration.ofSeconds(60);
        private Duration settleDelay = Duration.ofSeconds(1);
        private Duration retryInterval;
        private String host;
        private Long pid;
        private boolean heartbeat = true;
        private Consumer<String> onLost = reason -> { };
        private BooleanSupplier renewWhile = () -> true;

        private Builder(StorageProvider storage, String name) {
            this.storage = Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(name, "lock name");
            if (!NAME.matcher(name).matches() || name.contains("..")) {
                throw new IllegalArgumentException("invalid lock name '" + name
                        + "': use 1-100 characters from A-Z a-z 0-9 . _ - starting with a letter or digit");
            }
            this.name = name;
        }

        /** How long a lease lasts without a heartbeat (default 60 s); a dead holder's lease is taken over after it. */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException("lease ttl must be at least 300 ms, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** How long to wait between writing our record and reading it back (default 1 s); see the class doc. */
        public Builder settleDelay(Duration delay) {
            this.settleDelay = Require.notNegative("settleDelay", delay);
            return this;
        }

        /** How long {@link #acquire} waits between attempts (default the smaller of ttl/4 and 1 s). */
        public Builder retryInterval(Duration interval) {
            this.retryInterval = LeaseTimings.retryInterval(interval);
            return this;
        }




        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder pid(long pid) {
            this.pid = pid;
            return this;
        }

        /** Whether a held lease renews itself every ttl/3 on a daemon thread (default true). */
        public Builder heartbeat(boolean heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        /** Called (from the heartbeat thread) with the reason when a held lease is found lost. */
        public Builder onLost(Consumer<String> onLost) {
            this.onLost = Objects.requireNonNull(onLost, "onLost");
            return this;
        }

        /** The heartbeat renews the lease only while this says so (default always), so a stuck holder lets it lapse. */
        public Builder renewWhile(BooleanSupplier condition) {
            this.renewWhile = Objects.requireNonNull(condition, "renewWhile");
            return this;
        }

        public StorageLease build() {
            if (settleDelay.compareTo(ttl.dividedBy(3)) >= 0) {
                throw new IllegalArgumentException("settle delay " + settleDelay + " must be shorter than a third of the ttl "
                        + ttl + ", or a lease would expire before its first heartbeat");
            }
            return new StorageLease(this);
        }
    }
}
