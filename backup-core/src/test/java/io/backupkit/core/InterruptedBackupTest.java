package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupType;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.StorageException;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A backup that fails at any point leaves nothing listed, and clean-up removes every leftover object. */
class InterruptedBackupTest {
    @TempDir
    Path tmp;
    Path media;
    Path store;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("media");
        TestTrees.generate(media, 200, 5);
        TestTrees.largeFile(media.resolve("big.bin"), 3_000_000, 9);
        store = tmp.resolve("store");
    }

    @ParameterizedTest(name = "storage fails after {0} bytes")
    @ValueSource(longs = {0, 100, 50_000, 1_000_000, 2_500_000})
    // Each put of a backup object fails once it has read that many bytes, as a dropped upload would.
    void aStorageFailingAfterNBytesFailsTheBackupAndLeavesNothingListed(long bytes) {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(LocalStorageProvider.at(store))
                .failPutAfterBytes(bytes, k -> k.startsWith("backups/"))
                // so leftovers stay for clean-up
                .failCalls(FaultInjectingStorageProvider.Verb.DELETE, k -> k.startsWith("backups/"))
                .build();
        BackupEngine engine = BackupKit.builder().storage(faulty).files(media).build();

        assertThatThrownBy(() -> engine.backup(BackupType.FILES))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("backup ").hasMessageContaining("failed")
                .hasMessageContaining("injected fault");
        assertThat(engine.list()).isEmpty();

        faulty.heal();
        CleanupResult cleanup = engine.cleanUpInterrupted();
        assertThat(objectsUnder(store.resolve("backups"))).isZero();
        assertThat(engine.list()).isEmpty();
        assertThat(cleanup.objectsDeleted()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aFailureWritingTheManifestLeavesNoBackup() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(LocalStorageProvider.at(store))
                .failCalls(FaultInjectingStorageProvider.Verb.PUT, k -> k.endsWith("manifest.json"))
                .build();
        BackupEngine engine = BackupKit.builder().storage(faulty).files(media).build();
        assertThatThrownBy(() -> engine.backup(BackupType.FILES)).isInstanceOf(StorageException.class);
        assertThat(engine.list()).isEmpty();
        // the engine removed its own objects at once (deletes work here)
        assertThat(objectsUnder(store.resolve("backups"))).isZero();
    }

    @Test
    void cleanUpKeepsCompleteBackupsAndRemovesOnlyLeftovers() throws IOException {
        BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
        var kept = engine.backup(BackupType.FILES);
        Path leftover = Files.createDirectories(store.resolve("backups/20200101T000000Z-files-dead/files"));
        Files.writeString(leftover.resolve("files.tar.zst"), "partial");
        CleanupResult r = engine.cleanUpInterrupted();
        assertThat(r.backups()).containsExactly("20200101T000000Z-files-dead");
        assertThat(r.objectsDeleted()).isEqualTo(1);
        assertThat(r.bytesFreed()).isEqualTo(7);
        assertThat(engine.list()).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo(kept.id()));
        assertThat(engine.verify(kept.id()).ok()).isTrue();
    }

    private static long objectsUnder(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
