package io.backupkit.storage.gdrive;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.StorageProviderContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared contract through the real Google Drive client against the fake Drive server: 1 MiB chunks,
 * objects above 64 KiB through resumable sessions, listing pages of 100 so that paging is exercised.
 */
class DriveStorageProviderContractTest extends StorageProviderContract {
    @TempDir
    static Path storage;
    private static FakeDrive fake;

    @BeforeAll
    static void startServer() {
        fake = new FakeDrive(storage);
    }

    @AfterAll
    static void stopServer() {
        fake.close();
    }

    @Override
    protected StorageProvider createProvider() {
        String root = fake.server.createRootFolder("contract");
        return fake.builder().rootFolderId(root).chunkSize(1024 * 1024).listPageSize(100).build();
    }
}
