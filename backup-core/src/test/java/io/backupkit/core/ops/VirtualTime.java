package io.backupkit.core.ops;

import io.backupkit.core.internal.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Simulated time for several threads: each participant's sleep blocks until the shared clock reaches its wake
 * time; {@link #runUntil} moves the clock to the earliest wake time whenever every participant is asleep and
 * the system is idle. So two schedulers wake at the same simulated instant and really race each other.
 */
final class VirtualTime {
    private final MutableClock clock;
    private final int participants;
    private final BooleanSupplier idle;
    private final TreeMap<Instant, Integer> wakes = new TreeMap<>();
    private int sleeping;

    VirtualTime(MutableClock clock, int participants, BooleanSupplier idle) {
        this.clock = clock;
        this.participants = participants;
        this.idle = idle;
    }

    Sleeper sleeper() {
        return this::sleep;
    }

    private synchronized void sleep(Duration d) throws InterruptedException {
        Instant wake = clock.instant().plus(d);
        sleeping++;
        wakes.merge(wake, 1, Integer::sum);
        notifyAll();
        try {
            while (clock.instant().isBefore(wake)) {
                wait();
            }
        } finally {
            sleeping--;
            wakes.computeIfPresent(wake, (k, n) -> n == 1 ? null : n - 1);
            notifyAll();
        }
    }

    /** Advances simulated time step by step until the next wake time would pass {@code end}. */
    synchronized void runUntil(Instant end) throws InterruptedException {
        long give = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            // every participant asleep, none of them still due to wake at the current time, nothing running
            while (!(sleeping == participants && !wakes.isEmpty() && wakes.firstKey().isAfter(clock.instant())
                    && idle.getAsBoolean())) {
                if (System.nanoTime() > give) {
                    throw new AssertionError("simulation stalled at " + clock.instant() + ": " + sleeping + " of "
                            + participants + " asleep, wakes " + wakes);
                }
                wait(5);
            }
            Instant next = wakes.firstKey();
            if (next.isAfter(end)) {
                return;
            }
            clock.set(next);
            notifyAll();
        }
    }
}
