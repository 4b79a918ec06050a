package io.backupkit.testkit;

/**
 * What a backend's test chose for the storage contract, read once per test from {@link StorageProviderContract}'s
 * protected methods of the same names (a slow backend lowers the sizes and counts).
 *
 * @param largeObjectSize                 size of the object the large-object tests stream through the provider
 * @param mediumObjectSize                size of the objects that span more than one part or chunk
 * @param manyKeysCount                   how many keys the many-keys listing test stores
 * @param concurrentWriters               how many threads write at once in the concurrency tests
 * @param readsAreIsolatedFromOverwrites  whether a running get keeps seeing the object it started on while a put
 *                                        replaces it
 */
public record StorageContractSettings(long largeObjectSize, long mediumObjectSize, int manyKeysCount,
                                      int concurrentWriters, boolean readsAreIsolatedFromOverwrites) {

    /** The checks need these minimums (the deep ranged read takes the last 1,000 bytes, the early stop 10 keys). */
    public StorageContractSettings {
        if (largeObjectSize < 1_000) {
            throw new IllegalArgumentException("largeObjectSize() must be at least 1000 bytes, was " + largeObjectSize);
        }
        if (mediumObjectSize < 2) {
            throw new IllegalArgumentException("mediumObjectSize() must be at least 2 bytes, was " + mediumObjectSize);
        }
        if (manyKeysCount < 10) {
            throw new IllegalArgumentException("manyKeysCount() must be at least 10, was " + manyKeysCount);
        }
        if (concurrentWriters < 1) {
            throw new IllegalArgumentException("concurrentWriters() must be at least 1, was " + concurrentWriters);
        }
    }
}
