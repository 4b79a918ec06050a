package io.backupkit.core.storage;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.testkit.StorageProviderContract;

/**
 * Over a flaky backend (every third call of every verb fails, retryably), the retrying wrapper honours the whole
 * contract: its retries are invisible to callers.
 */
class RetryingStorageProviderContractTest extends StorageProviderContract {
    @Override
    protected StorageProvider createProvider() {
        FaultInjectingStorageProvider flaky = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                .failEveryNthCall(Verb.PUT, 3)
                .failEveryNthCall(Verb.GET, 3)
                .failEveryNthCall(Verb.STAT, 3)
                .failEveryNthCall(Verb.LIST, 3)
                .failEveryNthCall(Verb.DELETE, 3)
                .build();
        return RetryingStorageProvider.wrap(flaky).sleeper(duration -> { }).build();
    }
}
