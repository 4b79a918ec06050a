package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.storage.local.LocalStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A files backup of a folder that contains the backup storage (a common mistake: "back up /srv/app", storage in
 * /srv/app/backups) never archives earlier backups or BackupKit's own temporary files, and says so.
 */
class StorageInsideFilesTest {
    @TempDir
    Path app;

    @Test
    void theSecondBackupHasTheSameSizeAsTheFirst() throws Exception {
        TestTrees.generate(app.resolve("media"), 30, 5);
        Path store = app.resolve("backups");
        // What an unfinished restore leaves beside its target: never archived.
        Files.createDirectories(app.resolve(".media.backupkit-restore-0123abcd"));
        Files.writeString(app.resolve(".media.backupkit-restore-0123abcd").resolve("half.bin"), "partial");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(app).build()) {
            BackupResult first = engine.backup(BackupType.FILES);
            BackupResult second = engine.backup(BackupType.FILES);

            assertThat(second.manifest().files().orElseThrow().fileCount())
                    .isEqualTo(first.manifest().files().orElseThrow().fileCount());
            assertThat(second.manifest().files().orElseThrow().roots().get(0).bytes())
                    .isEqualTo(first.manifest().files().orElseThrow().roots().get(0).bytes());
            assertThat(second.manifest().warnings())
                    .anyMatch(w -> w.contains(store.getFileName().toString()) && w.contains("folder of the backup storage"))
                    .anyMatch(w -> w.contains(".media.backupkit-restore-0123abcd") && w.contains("temporary file of BackupKit"));
        }
    }
}
