package io.backupkit.testkit;

import io.backupkit.api.spi.StorageProvider;

class InMemoryStorageProviderContractTest extends StorageProviderContract {
    @Override
    protected StorageProvider createProvider() {
        return new InMemoryStorageProvider();
    }
}
