package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.BackupKit;
import io.backupkit.testkit.db.EngineRoundTripContract;
import java.nio.file.Path;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Issue 6, acceptance 5: the engine end to end through Google Drive (the real client against the fake server), each
 * location a new root folder of the fake Drive.
 */
class DriveEngineRoundTripTest extends EngineRoundTripContract {
    private final Map<StorageProvider, String> rootFolders = new IdentityHashMap<>();
    private FakeDrive fake;

    @BeforeEach
    void startServer() {
        fake = new FakeDrive(tmp.resolve("drive"));
    }

    @AfterEach
    void stopServer() {
        fake.close();
    }

    @Override
    protected StorageProvider newStorage(String name) {
        String folder = fake.server.createRootFolder(name);
        DriveStorageProvider storage = fake.builderIn(folder).build();
        rootFolders.put(storage, folder);
        return storage;
    }

    @Override
    protected BackupEngine engine(StorageProvider storage, DataSource database, Path media, Clock clock) {
        return BackupKit.builder().storage(storage).dataSource(database).files(media).clock(clock).build();
    }

    @Override
    protected BackupEngine storageOnlyEngine(StorageProvider storage) {
        return BackupKit.builder().storage(storage).build();
    }

    /** The files the fake server holds below the provider's root folder, as paths. */
    @Override
    protected List<String> storedPaths(StorageProvider storage) {
        return fake.server.filePathsBelow(rootFolders.get(storage));
    }

    /** Nothing went through a retry: the fake server never failed and no upload session was left open. */
    @Override
    protected void assertNothingLeftOpen(StorageProvider storage) {
        assertThat(fake.server.requests(r -> r.status() < 0 || r.status() >= 500)).isEmpty();
        assertThat(fake.server.openUploadSessions()).isZero();
    }
}
