package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.StorageProviderContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared contract through the real Google Drive client against the fake Drive server: 1 MiB chunks,
 * objects above 64 KiB through resumable sessions, listing pages of 100 so that paging is exercised.
 */
class DriveStorageProviderContractTest extends StorageProviderContract {
    @TempDir
    static Path serverFiles;
    private static FakeDrive fake;

    @BeforeAll
    static void startServer() {
        fake = new FakeDrive(serverFiles);
    }

    @AfterAll
    static void stopServer() {
        fake.close();
    }

    private String root;

    @Override
    protected StorageProvider createProvider() {
        root = fake.server.createRootFolder("contract");
        return fake.builder(root, FakeDrive.FAST_RETRIES, 1024 * 1024, 64 * 1024).listPageSize(100).build();
    }

    /**
     * A failed put leaves no file in Drive: every file below the root is a listed key, once. (An unfinished
     * resumable session is no file: Drive discards it after a week, and it holds no quota.)
     */
    @Override
    protected void assertNoHiddenLeftovers() {
        List<String> listed = storage.list("").map(BlobInfo::key).sorted().toList();
        assertThat(fake.server.filePathsBelow(root)).containsExactlyElementsOf(listed);
    }
}
