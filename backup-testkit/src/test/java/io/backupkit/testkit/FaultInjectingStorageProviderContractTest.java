package io.backupkit.testkit;

import io.backupkit.api.spi.StorageProvider;

/** Without faults configured, the wrapper is a transparent provider. */
class FaultInjectingStorageProviderContractTest extends StorageProviderContract {
    @Override
    protected StorageProvider createProvider() {
        return FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider()).build();
    }
}
