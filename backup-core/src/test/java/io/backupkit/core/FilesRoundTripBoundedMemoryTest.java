package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.storage.local.LocalStorageProvider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: 2,000 files in nested folders (0-byte files, unicode and space-containing names, an empty folder)
 * plus one 300 MB file, backed up and restored with the heap capped at 128 MB (surefire execution
 * "bounded-memory" runs this class with -Xmx128m): memory does not grow with the data.
 */
class FilesRoundTripBoundedMemoryTest {
    private static final long LARGE = 300L * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void twoThousandFilesAndA300MbFileRoundTripInA128MbHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test must run with -Xmx128m")
                .isLessThanOrEqualTo(140L * 1024 * 1024);
        Path media = tmp.resolve("media");
        TestTrees.generate(media, 2_000, 2026);
        TestTrees.largeFile(media.resolve("large video.bin"), LARGE, 300);

        BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(tmp.resolve("store"))).files(media).build();
        BackupResult backup = engine.backup(BackupType.FILES);
        assertThat(backup.manifest().files().orElseThrow().totalBytes()).isGreaterThan(LARGE);
        assertThat(backup.manifest().files().orElseThrow().fileCount()).isGreaterThan(2_000);

        Path restored = tmp.resolve("restored");
        engine.restore(RestoreRequest.builder(backup.id()).filesTarget(restored).build());
        Map<String, String> expected = TestTrees.snapshot(media);
        assertThat(TestTrees.snapshot(restored)).isEqualTo(expected);
        assertThat(expected).hasSizeGreaterThan(2_000);
    }
}
