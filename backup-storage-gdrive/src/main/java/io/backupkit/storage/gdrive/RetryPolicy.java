package io.backupkit.storage.gdrive;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for one HTTP request: the n-th retry waits a random time between half
 * and all of {@code min(maxDelay, initialDelay * 2^n)} ("equal jitter"), so many clients throttled together
 * do not retry in lock step.
 */
record RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay) {
    RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (initialDelay == null || initialDelay.isNegative()) {
            throw new IllegalArgumentException("initial retry delay must be >= 0, was " + initialDelay);
        }
        if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maximum retry delay must be >= the initial delay (" + initialDelay + "), was " + maxDelay);
        }
    }

    static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(32));
    }

    /** The wait before retry number {@code retry} (0-based). */
    long delayMillis(int retry) {
        long ceiling = initialDelay.toMillis() << Math.min(retry, 30);
        if (ceiling <= 0 || ceiling > maxDelay.toMillis()) {
            ceiling = maxDelay.toMillis();
        }
        long half = ceiling / 2;
        return half + (ceiling - half == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
