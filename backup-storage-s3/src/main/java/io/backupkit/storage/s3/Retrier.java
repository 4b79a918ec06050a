package io.backupkit.storage.s3;

import io.backupkit.api.CancelledException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Repeats an S3 call that failed transiently (throttling, 5xx, timeouts, connection resets), waiting an
 * exponentially growing, jittered time between attempts. Permanent failures are rethrown at once; the last
 * transient failure is rethrown when the attempts are used up.
 */
final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final int maxAttempts;
    private final long baseDelayMillis;
    private final long maxDelayMillis;

    Retrier(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this.maxAttempts = maxAttempts;
        this.baseDelayMillis = baseDelay.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Runs the call.
     *
     * @param what for the log, e.g. "UploadPart 3 of s3://b/k"
     */
    <T> T call(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (attempt >= maxAttempts || !S3Errors.isRetryable(e) || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                long delay = delayBeforeAttempt(attempt + 1);
                LOG.warn("{} failed ({}), attempt {} of {}; retrying in {} ms", what, S3Errors.describeBriefly(e),
                        attempt, maxAttempts, delay);
                sleep(delay, what, e);
            }
        }
    }

    void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    /** Jittered exponential backoff: between half and all of min(max, base x 2^(attempt-2)), so writers spread out. */
    long delayBeforeAttempt(int attempt) {
        long ceiling = baseDelayMillis << Math.min(20, attempt - 2);
        ceiling = Math.min(maxDelayMillis, Math.max(baseDelayMillis, ceiling));
        return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
    }

    private static void sleep(long millis, String what, SdkException lastFailure) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancelledException cancelled = new CancelledException("interrupted while waiting to retry " + what, e);
            cancelled.addSuppressed(lastFailure);
            throw cancelled;
        }
    }
}
