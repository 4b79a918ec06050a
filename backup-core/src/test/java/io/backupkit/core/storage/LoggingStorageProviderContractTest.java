package io.backupkit.core.storage;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.testkit.StorageProviderContract;

/** With DEBUG on (every call counted and logged), the wrapper still honours the whole contract. */
class LoggingStorageProviderContractTest extends StorageProviderContract {
    @Override
    protected StorageProvider createProvider() {
        return LoggingStorageProvider.wrap(new InMemoryStorageProvider(), new RecordingLogger(true).logger);
    }
}
