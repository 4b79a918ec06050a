package io.backupkit.storage.local;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.StorageProviderContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract, for a folder given as an absolute path that does not exist yet. */
class LocalStorageProviderAbsolutePathContractTest extends StorageProviderContract {
    @TempDir
    Path temp;

    @Override
    protected StorageProvider createProvider() {
        return LocalStorageProvider.at(temp.resolve("storage"));
    }

    @Override
    protected void assertNoHiddenLeftovers() throws Exception {
        HiddenFiles.assertNone(temp.resolve("storage"));
    }
}
