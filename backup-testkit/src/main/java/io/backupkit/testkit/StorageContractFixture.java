package io.backupkit.testkit;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What every part of the storage contract works on: the provider under test, the backend's settings, and its check
 * for hidden leftovers. {@link StorageProviderContract} implements it (and every part) for a provider's test.
 */
public interface StorageContractFixture {

    /** The provider under test: fresh and empty for each test, closed after it. */
    StorageProvider storage();

    /** The sizes, counts and switches the backend's test chose. */
    StorageContractSettings settings();

    /**
     * Called after every failed put of the contract: fails if the put left something behind that the five verbs
     * cannot see but that costs space or money (temporary files, unfinished multipart uploads, resumable sessions).
     */
    void afterFailedPut() throws Exception;

    /** Stores small bytes. */
    default void put(String key, byte[] content) {
        storage().put(key, ContentSource.of(content));
    }

    /** Every key under the prefix, closing the stream. */
    default List<String> listKeys(String prefix) {
        try (Stream<BlobInfo> stream = storage().list(prefix)) {
            return stream.map(BlobInfo::key).collect(Collectors.toList());
        }
    }

    /** Every object under the prefix, closing the stream. */
    default List<BlobInfo> list(String prefix) {
        try (Stream<BlobInfo> stream = storage().list(prefix)) {
            return stream.collect(Collectors.toList());
        }
    }
}
