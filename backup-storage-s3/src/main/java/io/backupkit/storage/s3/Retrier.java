package io.backupkit.storage.s3;

import io.backupkit.api.CancelledException;
import io.backupkit.api.RetryPolicy;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Repeats an S3 request of a write (PutObject, and the requests of a multipart upload: each part on its own) that
 * failed transiently (throttling, 5xx, timeouts, connection resets), as the {@link RetryPolicy} says. Only writes
 * are retried here: their content is consumed as it is sent, so nothing outside the provider can send a part again;
 * every other call is retried by the engine's retry wrapper (except {@code abortStaleUploads}, which callers run on the
 * provider itself, so it retries here too). Permanent failures are rethrown at once; the last
 * transient failure is rethrown when the attempts are used up.
 */
final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final RetryPolicy policy;

    Retrier(RetryPolicy policy) {
        this.policy = policy;
    }

    RetryPolicy policy() {
        return policy;
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
                if (attempt >= policy.maxAttempts() || !S3Errors.isRetryable(e) || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                Duration delay = policy.delayAfterAttempt(attempt);
                LOG.warn("{} failed ({}), attempt {} of {}; retrying in {} ms", what, S3Errors.describeBriefly(e),
                        attempt, policy.maxAttempts(), delay.toMillis());
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

    private static void sleep(Duration delay, String what, SdkException lastFailure) {
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancelledException cancelled = new CancelledException("interrupted while waiting to retry " + what, e);
            cancelled.addSuppressed(lastFailure);
            throw cancelled;
        }
    }
}
