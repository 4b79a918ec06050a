package io.backupkit.core.internal;

import io.backupkit.api.internal.Require;
import java.time.Duration;

/**
 * The timing settings a lease and the scheduler built on it share: their checks and the defaults derived from the
 * ttl, in one place so {@link StorageLease.Builder} and {@link Scheduler.Builder} cannot drift apart.
 */
final class LeaseTimings {
    private LeaseTimings() {
    }

    /** @throws IllegalArgumentException unless {@code interval} is positive */
    static Duration retryInterval(Duration interval) {
        return Require.positive("retryInterval", interval);
    }

    /** The scheduler's default settle delay: short enough for three heartbeats within the ttl. */
    static Duration defaultSettleDelay(Duration ttl) {
        return shorter(Duration.ofSeconds(1), ttl.dividedBy(6));
    }

    static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
