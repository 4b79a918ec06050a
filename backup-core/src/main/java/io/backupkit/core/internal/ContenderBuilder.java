package io.backupkit.core.internal;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * The settings a {@link StorageLease.Builder} and a {@link Scheduler.Builder} share: who contends for the leases and
 * how it tells and waits out time. Written once here, as the lease timings are in {@link LeaseTimings}, so that the
 * scheduler and the leases it takes cannot drift apart. Tests set the clock and the sleeper.
 *
 * @param <B> the concrete builder, which the setters return
 */
abstract class ContenderBuilder<B extends ContenderBuilder<B>> {
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.SYSTEM;
    private String holderId;

    ContenderBuilder() {
    }

    /** The clock the lease records and slots are read with (default the system clock, UTC). */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /** How waits between attempts are slept (default {@link Sleeper#SYSTEM}). */
    public B sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return self();
    }

    /** This contender's id in lease records and slot markers (default a random UUID); two must never share one. */
    public B holderId(String holderId) {
        this.holderId = Objects.requireNonNull(holderId, "holderId");
        return self();
    }

    /** The id set, or a new random one. */
    String holderIdOrRandom() {
        return holderId != null ? holderId : UUID.randomUUID().toString();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
