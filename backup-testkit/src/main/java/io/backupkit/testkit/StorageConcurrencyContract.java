package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.bytes;
import static io.backupkit.testkit.ContractBytes.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link StorageProviderContract storage contract}. Thread safety: concurrent puts to different keys, to
 * the same key (one whole value wins) and mixed with deletes in one folder; a put completes while another waits for
 * its source (puts never serialise).
 */
public interface StorageConcurrencyContract extends StorageContractFixture {

    @Test
    default void concurrentPutsToDifferentKeysAllSucceed() throws Exception {
        int writers = settings().concurrentWriters();
        int perWriter = 5;
        ConcurrentWriters.run(writers, writer -> {
            for (int i = 0; i < perWriter; i++) {
                long seed = 1_000L * writer + i;
                storage().put("concurrent/w" + writer + "/o" + i, SeededContent.source(seed, 20_000 + seed));
            }
        });
        assertThat(listKeys("concurrent/")).hasSize(writers * perWriter);
        for (int writer = 0; writer < writers; writer++) {
            for (int i = 0; i < perWriter; i++) {
                long seed = 1_000L * writer + i;
                assertThat(SeededContent.sha256(storage().get("concurrent/w" + writer + "/o" + i)))
                        .isEqualTo(SeededContent.sha256(seed, 20_000 + seed));
            }
        }
    }

    /**
     * Puts are independent: the engine streams a files archive and its index at the same time, and dump workers
     * write several tables at once, so a provider that serialised puts behind one lock would deadlock it.
     */
    @Test
    default void aPutCompletesWhileAnotherPutWaitsForItsSource() throws Exception {
        long size = settings().mediumObjectSize();
        PausingSource waiting = new PausingSource(41, size, size / 2);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<?> slow = executor.submit(() -> storage().put("independent/slow", waiting));
            waiting.awaitPaused(slow);
            Future<?> quick = executor.submit(() -> storage().put("independent/quick", SeededContent.source(42, 100_000)));
            // A generous bound: this detects a deadlock, it does not measure speed.
            quick.get(2, TimeUnit.MINUTES);
            assertThat(SeededContent.sha256(storage().get("independent/quick"))).isEqualTo(SeededContent.sha256(42, 100_000));
            assertThat(slow.isDone()).as("the paused put is still waiting for its source").isFalse();
            waiting.resume();
            slow.get(5, TimeUnit.MINUTES);
            assertThat(SeededContent.sha256(storage().get("independent/slow"))).isEqualTo(SeededContent.sha256(41, size));
        } finally {
            waiting.resume();
            executor.shutdownNow();
        }
    }

    @Test
    default void concurrentPutsToTheSameKeyEndWithOneWholeValue() throws Exception {
        int writers = settings().concurrentWriters();
        long size = 512 * 1024;
        ConcurrentWriters.run(writers, writer -> storage().put("same/key", SeededContent.source(500 + writer, size)));
        Set<String> candidates = IntStream.range(0, writers).mapToObj(w -> SeededContent.sha256(500 + w, size))
                .collect(Collectors.toSet());
        assertThat(SeededContent.sha256(storage().get("same/key"))).isIn(candidates);
        assertThat(list("same/")).extracting(BlobInfo::key, BlobInfo::size)
                .containsExactly(tuple("same/key", size));
    }

    @Test
    default void concurrentPutsAndDeletesInTheSameFolderLeaveEveryPutObject() throws Exception {
        int writers = settings().concurrentWriters();
        ConcurrentWriters.run(writers, writer -> {
            for (int i = 0; i < 20; i++) {
                String key = "churn/shared/w" + writer + "-" + i;
                storage().put(key, ContentSource.of(bytes(key)));
                if (i % 2 == 0) {
                    storage().delete(key);
                }
            }
        });
        List<String> listed = listKeys("churn/");
        assertThat(listed).hasSize(writers * 10);
        for (String key : listed) {
            assertThat(readAll(storage().get(key))).isEqualTo(bytes(key));
        }
    }
}
