package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.spi.ByteRange;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link StorageProviderContract storage contract}. A missing key: get and ranged get throw {@link
 * BlobNotFoundException} naming it, stat is empty; a key that is only a prefix of stored keys (a "folder") is missing
 * too.
 */
public interface StorageMissingKeyContract extends StorageContractFixture {

    @Test
    default void getOfMissingKeyThrowsBlobNotFound() {
        assertThatThrownBy(() -> storage().get("missing/key.bin"))
                .isInstanceOf(BlobNotFoundException.class)
                .satisfies(e -> assertThat(((BlobNotFoundException) e).key()).isEqualTo("missing/key.bin"));
    }

    @Test
    default void rangedGetOfMissingKeyThrowsBlobNotFound() {
        assertThatThrownBy(() -> storage().get("missing/key.bin", ByteRange.of(0, 10)))
                .isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> storage().get("missing/key.bin", ByteRange.from(5)))
                .isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    default void statOfMissingKeyIsEmpty() {
        assertThat(storage().stat("missing/key.bin")).isEmpty();
    }

    @Test
    default void keyThatIsOnlyAPrefixOfStoredKeysIsMissing() {
        put("folder/inner/object", bytes("x"));
        assertThat(storage().stat("folder")).isEmpty();
        assertThat(storage().stat("folder/inner")).isEmpty();
        assertThatThrownBy(() -> storage().get("folder/inner")).isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> storage().get("folder/inner", ByteRange.from(0))).isInstanceOf(BlobNotFoundException.class);
    }
}
