package io.backupkit.api;

import io.backupkit.api.internal.Require;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often, and how patiently, a storage call that failed transiently (a {@linkplain StorageException#retryable()
 * retryable} failure: throttling, 5xx, a dropped connection) is tried again. The one retry setting of BackupKit: the
 * engine's retry wrapper ({@code BackupKit.builder().retries(...)}), the S3 provider's per-part retries and the Google
 * Drive provider's per-request retries all take this type, and its numbers mean the same everywhere:
 *
 * <ul>
 *   <li>{@code maxAttempts} counts <em>all</em> attempts, the first one included: 1 means "no retry", 5 means the
 *       first try and up to 4 retries;</li>
 *   <li>the wait after failed attempt {@code n} (1-based) is "exponential backoff with equal jitter": half of
 *       {@code min(maxDelay, initialDelay x 2^(n-1))} fixed, the other half random, so clients throttled together
 *       do not retry in lock step. With the defaults the waits are at most 0.2, 0.4, 0.8 and 1.6 s.</li>
 * </ul>
 *
 * <pre>{@code
 * RetryPolicy patient = RetryPolicy.builder().maxAttempts(8).initialDelay(Duration.ofSeconds(1)).build();
 * }</pre>
 *
 * @param maxAttempts  attempts in all, at least 1
 * @param initialDelay the wait after the first failed attempt (before jitter), not negative
 * @param maxDelay     the longest wait between two attempts, at least {@code initialDelay}
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    /** The most attempts a policy may make: beyond this a "transient" failure is not transient. */
    public static final int MAX_ATTEMPTS = 100;
    /** 5 attempts, 200 ms initial delay, 20 s maximum delay. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(20));
    /** One attempt: failures are passed on at once. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        checkAttempts(maxAttempts);
        checkDelay("initialDelay", initialDelay);
        checkDelay("maxDelay", maxDelay);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("retry maxDelay (" + maxDelay + ") must not be shorter than initialDelay ("
                    + initialDelay + ")");
        }
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether this policy tries a call more than once. */
    public boolean retries() {
        return maxAttempts > 1;
    }

    /** The wait after failed attempt {@code attempt} (1-based), with a random jitter. */
    public Duration delayAfterAttempt(int attempt) {
        return delayAfterAttempt(attempt, ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based) for a given jitter value.
     *
     * @param jitter in [0, 1): 0 gives the shortest wait (half the step), values near 1 the longest (the whole step)
     */
    public Duration delayAfterAttempt(int attempt, double jitter) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt numbers start at 1, was " + attempt);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
        }
        double step = initialDelay.toNanos() * Math.pow(2, Math.min(attempt - 1, 62));
        double capped = Math.min(step, maxDelay.toNanos());
        return Duration.ofNanos((long) (capped / 2 + capped / 2 * jitter));
    }

    @Override
    public String toString() {
        return maxAttempts == 1 ? "RetryPolicy[no retries]" : "RetryPolicy[" + maxAttempts + " attempts, initialDelay "
                + initialDelay.toMillis() + " ms, maxDelay " + maxDelay.toMillis() + " ms]";
    }

    private static void checkAttempts(int maxAttempts) {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("retry maxAttempts counts all attempts including the first: between 1 (no"
                    + " retry) and " + MAX_ATTEMPTS + ", was " + maxAttempts);
        }
    }

    private static void checkDelay(String name, Duration delay) {
        Objects.requireNonNull(delay, name);
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry " + name + " must not be negative, was " + delay);
        }
        if (delay.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("retry " + name + " must be at most 1 hour, was " + delay);
        }
    }

    /**
     * Configures a {@link RetryPolicy}; what is not set keeps its {@link #DEFAULT} value. Each setter checks its
     * argument at once ({@link IllegalArgumentException}) and may be called once ({@link IllegalStateException});
     * {@link #build()} checks that the delays fit together ({@link ConfigurationException}).
     */
    public static final class Builder {
        private Integer maxAttempts;
        private Duration initialDelay;
        private Duration maxDelay;

        private Builder() {
        }

        /** Attempts in all, the first included (1 = no retry); default 5. */
        public Builder maxAttempts(int maxAttempts) {
            checkAttempts(maxAttempts);
            this.maxAttempts = Require.once(this.maxAttempts, maxAttempts, "retry maxAttempts");
            return this;
        }

        /** The wait after the first failed attempt, doubling after each further one (before jitter); default 200 ms. */
        public Builder initialDelay(Duration initialDelay) {
            checkDelay("initialDelay", initialDelay);
            this.initialDelay = Require.once(this.initialDelay, initialDelay, "retry initialDelay");
            return this;
        }

        /** The longest wait between two attempts; default 20 s. */
        public Builder maxDelay(Duration maxDelay) {
            checkDelay("maxDelay", maxDelay);
            this.maxDelay = Require.once(this.maxDelay, maxDelay, "retry maxDelay");
            return this;
        }

        /**
         * The policy.
         *
         * @throws ConfigurationException when maxDelay is shorter than initialDelay
         */
        public RetryPolicy build() {
            int attempts = maxAttempts != null ? maxAttempts : DEFAULT.maxAttempts();
            Duration initial = initialDelay != null ? initialDelay : DEFAULT.initialDelay();
            Duration max = maxDelay != null ? maxDelay : DEFAULT.maxDelay();
            if (max.compareTo(initial) < 0) {
                throw new ConfigurationException("retry maxDelay (" + max + (maxDelay == null ? ", the default" : "")
                        + ") is shorter than initialDelay (" + initial + (initialDelay == null ? ", the default" : "")
                        + "): set maxDelay(...) to at least initialDelay");
            }
            return new RetryPolicy(attempts, initial, max);
        }
    }
}
