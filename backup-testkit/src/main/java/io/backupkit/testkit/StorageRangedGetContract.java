package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.SMALL_SEED;
import static io.backupkit.testkit.ContractBytes.readAll;
import static io.backupkit.testkit.ContractBytes.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.ByteRange;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link StorageProviderContract storage contract}. Ranged get: from the start, in the middle, to the end,
 * past the end, empty ranges, and deep inside a large object without reading it all.
 */
public interface StorageRangedGetContract extends StorageContractFixture {

    @Test
    default void largeObjectSupportsRangedReadsDeepInside() {
        long size = settings().largeObjectSize();
        long seed = 65;
        storage().put("large/ranged.bin", SeededContent.source(seed, size));
        long middle = size / 2 + 7;
        assertThat(SeededContent.sha256(storage().get("large/ranged.bin", ByteRange.of(middle, 100_000))))
                .isEqualTo(SeededContent.sha256(seed, middle, Math.min(100_000, size - middle)));
        long nearEnd = size - 1_000;
        assertThat(SeededContent.digest(storage().get("large/ranged.bin", ByteRange.from(nearEnd))))
                .isEqualTo(new SeededContent.Digest(SeededContent.sha256(seed, nearEnd, 1_000), 1_000));
    }

    @Test
    default void rangedGetFromTheStart() {
        byte[] content = SeededContent.bytes(SMALL_SEED, 1_000);
        put("range/object", content);
        assertThat(readAll(storage().get("range/object", ByteRange.of(0, 10)))).isEqualTo(slice(content, 0, 10));
    }

    @Test
    default void rangedGetInTheMiddle() {
        byte[] content = SeededContent.bytes(SMALL_SEED, 1_000);
        put("range/object", content);
        assertThat(readAll(storage().get("range/object", ByteRange.of(100, 250)))).isEqualTo(slice(content, 100, 250));
    }

    @Test
    default void rangedGetToTheEnd() {
        byte[] content = SeededContent.bytes(SMALL_SEED, 1_000);
        put("range/object", content);
        assertThat(readAll(storage().get("range/object", ByteRange.from(900)))).isEqualTo(slice(content, 900, 100));
        assertThat(readAll(storage().get("range/object", ByteRange.from(0)))).isEqualTo(content);
        assertThat(readAll(storage().get("range/object", ByteRange.from(999)))).isEqualTo(slice(content, 999, 1));
    }

    @Test
    default void rangedGetReachingPastTheEndReturnsTheBytesThatExist() {
        byte[] content = SeededContent.bytes(SMALL_SEED, 1_000);
        put("range/object", content);
        assertThat(readAll(storage().get("range/object", ByteRange.of(950, 500)))).isEqualTo(slice(content, 950, 50));
        assertThat(readAll(storage().get("range/object", ByteRange.of(0, 5_000)))).isEqualTo(content);
    }

    @Test
    default void rangedGetStartingAtOrPastTheEndIsEmpty() {
        put("range/object", SeededContent.bytes(SMALL_SEED, 1_000));
        assertThat(readAll(storage().get("range/object", ByteRange.from(1_000)))).isEmpty();
        assertThat(readAll(storage().get("range/object", ByteRange.of(1_000, 10)))).isEmpty();
        assertThat(readAll(storage().get("range/object", ByteRange.from(5_000)))).isEmpty();
        assertThat(readAll(storage().get("range/object", ByteRange.of(5_000, 10)))).isEmpty();
    }

    @Test
    default void rangedGetOfZeroLengthIsEmpty() {
        put("range/object", SeededContent.bytes(SMALL_SEED, 1_000));
        assertThat(readAll(storage().get("range/object", ByteRange.of(0, 0)))).isEmpty();
        assertThat(readAll(storage().get("range/object", ByteRange.of(500, 0)))).isEmpty();
    }
}
