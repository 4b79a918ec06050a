package io.backupkit.core.storage;

import io.backupkit.api.RetryPolicy;
import io.backupkit.api.spi.StorageProvider;

/**
 * The wrappers {@code BackupKit.build()} installs around every provider, URI-created or passed in by the host:
 * retries outside, logging inside ({@code Retrying(Logging(provider))}). Retries sit outside so that every attempt
 * reaches the log as the call it is, with its own duration and failure, next to the retry wrapper's "attempt 2 of 5,
 * retrying in 400 ms": the log shows what the backend was really asked, which is what one needs when storage is
 * flaky. (Kopia puts its logging outside; there one line per logical call hides the attempts.)
 */
public final class StorageWrappers {
    private StorageWrappers() {
    }

    /**
     * Wraps {@code provider} for the engine.
     *
     * @param policy the engine's retry policy; {@link RetryPolicy#NONE} installs no retry wrapper at all
     */
    public static StorageProvider install(StorageProvider provider, RetryPolicy policy) {
        StorageProvider logged = LoggingStorageProvider.wrap(provider);
        return policy.retries() ? RetryingStorageProvider.wrap(logged, policy) : logged;
    }
}
