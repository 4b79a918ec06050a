package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.SMALL_SEED;
import static io.backupkit.testkit.ContractBytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link StorageProviderContract storage contract}. Listing: exactly the keys that start with the
 * plain-string prefix, with full keys, sizes and times; thousands of keys (more than a page of most backends) each
 * once, and a lazy stream that can be stopped early.
 */
public interface StorageListingContract extends StorageContractFixture {

    @Test
    default void listOfEmptyStorageIsEmpty() {
        assertThat(listKeys("")).isEmpty();
    }

    @Test
    default void listReturnsExactlyTheKeysStartingWithThePlainStringPrefix() {
        for (String key : List.of("a/b/c", "a/b/d/e", "a/bc/x", "a/b2", "ab", "a/c", "b", "ba/b")) {
            put(key, bytes(key));
        }
        assertThat(listKeys("a/b")).containsExactlyInAnyOrder("a/b/c", "a/b/d/e", "a/bc/x", "a/b2");
        assertThat(listKeys("a/b/")).containsExactlyInAnyOrder("a/b/c", "a/b/d/e");
        assertThat(listKeys("a/bc")).containsExactlyInAnyOrder("a/bc/x");
        assertThat(listKeys("a")).containsExactlyInAnyOrder("a/b/c", "a/b/d/e", "a/bc/x", "a/b2", "ab", "a/c");
        assertThat(listKeys("a/")).containsExactlyInAnyOrder("a/b/c", "a/b/d/e", "a/bc/x", "a/b2", "a/c");
        assertThat(listKeys("b")).containsExactlyInAnyOrder("b", "ba/b");
        assertThat(listKeys("a/b/d/e")).containsExactly("a/b/d/e");
        assertThat(listKeys("a/b/d/e/")).isEmpty();
        assertThat(listKeys("a/b/d/")).containsExactly("a/b/d/e");
        assertThat(listKeys("a/x")).isEmpty();
        assertThat(listKeys("zzz/")).isEmpty();
        assertThat(listKeys("")).hasSize(8);
    }

    @Test
    default void listReportsFullKeysAndSizes() {
        put("sizes/one", SeededContent.bytes(SMALL_SEED, 1));
        put("sizes/deep/three", SeededContent.bytes(SMALL_SEED, 3_000));
        put("sizes/empty", new byte[0]);
        Map<String, Long> sizes = list("sizes/").stream().collect(Collectors.toMap(BlobInfo::key, BlobInfo::size));
        assertThat(sizes).containsOnly(Map.entry("sizes/one", 1L), Map.entry("sizes/deep/three", 3_000L),
                Map.entry("sizes/empty", 0L));
        assertThat(list("sizes/")).allSatisfy(info -> assertThat(info.lastModified()).isNotNull());
    }

    @Test
    default void listOfManyKeysReturnsEveryKeyOnceAndCanBeStoppedEarly() {
        // One test for both, as storing thousands of keys is the slow part on a real backend.
        int count = settings().manyKeysCount();
        Set<String> expected = putManyKeys(count);
        put("other/key", bytes("not listed"));
        List<String> listed = listKeys("many/");
        assertThat(listed).hasSize(count);
        assertThat(Set.copyOf(listed)).isEqualTo(expected);

        try (Stream<BlobInfo> stream = storage().list("many/")) {
            assertThat(stream.limit(10).count()).isEqualTo(10);
        }
        try (Stream<BlobInfo> stream = storage().list("many/")) {
            assertThat(stream.findFirst()).hasValueSatisfying(info -> assertThat(info.key()).startsWith("many/"));
        }
        try (Stream<BlobInfo> stream = storage().list("many/")) {
            assertThat(stream.anyMatch(info -> info.key().endsWith("/k00003"))).isTrue();
        }
        try (Stream<BlobInfo> stream = storage().list("")) {
            Iterator<BlobInfo> iterator = stream.iterator();
            assertThat(iterator.hasNext()).isTrue();
            assertThat(iterator.next().key()).isNotEmpty();
        }
    }

    private Set<String> putManyKeys(int count) {
        Set<String> keys = new HashSet<>();
        int writers = Math.max(1, settings().concurrentWriters());
        List<List<String>> batches = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            batches.add(new ArrayList<>());
        }
        for (int i = 0; i < count; i++) {
            String key = String.format("many/d%02d/k%05d", i % 17, i);
            keys.add(key);
            batches.get(i % writers).add(key);
        }
        try {
            ConcurrentWriters.run(writers, w -> {
                for (String key : batches.get(w)) {
                    storage().put(key, ContentSource.of(bytes(key)));
                }
            });
        } catch (Exception e) {
            throw new AssertionError("storing " + count + " keys failed", e);
        }
        return keys;
    }
}
