package example;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.StorageProviderContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** FolderStorage against every guarantee a StorageProvider gives (atomic puts, ranges, listing, concurrency ...). */
class FolderStorageTest extends StorageProviderContract {
    @TempDir
    Path temp;

    @Override
    protected StorageProvider createProvider() {
        return new FolderStorage(temp.resolve("backups"));
    }
}
