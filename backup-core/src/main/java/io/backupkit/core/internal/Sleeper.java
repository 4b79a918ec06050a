package io.backupkit.core.internal;

import java.time.Duration;

/** Waits; injectable so tests can run schedules and lease waits on a controlled clock. */
@FunctionalInterface
public interface Sleeper {
    /** The real one: {@link Thread#sleep}. */
    Sleeper SYSTEM = d -> {
        if (!d.isNegative() && !d.isZero()) {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        }
    };

    /** Waits for {@code duration}, or returns at once if it is zero or negative. */
    void sleep(Duration duration) throws InterruptedException;
}
