package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.SeededContent;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs in its own surefire execution with {@code -Xmx32m} (see the pom): an object several times the heap goes
 * in and out of local storage, so put and get really stream.
 */
class LocalStorageProviderMemoryBoundIT {
    private static final long SIZE = 256L * 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void objectEightTimesTheHeapIsStoredAndReadBackStreaming() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertThat(maxHeap).as("this test must run with a small heap (-Xmx32m)").isLessThan(SIZE / 4);
        LocalStorageProvider storage = LocalStorageProvider.at(temp);
        storage.put("big/object", ContentSource.once(SeededContent.stream(99, SIZE)));
        assertThat(storage.stat("big/object")).map(BlobInfo::size).contains(SIZE);
        assertThat(SeededContent.digest(storage.get("big/object")))
                .isEqualTo(new SeededContent.Digest(SeededContent.sha256(99, SIZE), SIZE));
        assertThat(SeededContent.sha256(storage.get("big/object", ByteRange.of(SIZE - 100_000_000, 50_000_000))))
                .isEqualTo(SeededContent.sha256(99, SIZE - 100_000_000, 50_000_000));
    }
}
