package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.OTHER_SEED;
import static io.backupkit.testkit.ContractBytes.SMALL_SEED;
import static io.backupkit.testkit.ContractBytes.bytes;
import static io.backupkit.testkit.ContractBytes.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link StorageProviderContract storage contract}. Put and get: every allowed key, the longest key,
 * overwrites, zero-byte, large, unknown-length and one-shot sources stored whole; put reads its source to the end and
 * closes it; get streams; stat and description.
 */
public interface StoragePutGetContract extends StorageContractFixture {

    @Test
    default void putThenGetReturnsTheSameBytes() {
        byte[] content = SeededContent.bytes(SMALL_SEED, 10_000);
        storage().put("backups/one/db/public.users.zst", ContentSource.of(content));
        assertThat(readAll(storage().get("backups/one/db/public.users.zst"))).isEqualTo(content);
    }

    @Test
    default void putAcceptsEveryAllowedKeyCharacter() {
        String key = "Az09._-=+@,%~/x.y/" + "s".repeat(255);
        put(key, bytes("odd but valid"));
        assertThat(readAll(storage().get(key))).isEqualTo(bytes("odd but valid"));
        assertThat(listKeys("Az09")).containsExactly(key);
    }

    @Test
    default void putOfKeyAtMaximumLengthWorks() {
        StringBuilder sb = new StringBuilder();
        while (1024 - sb.length() > 255) {
            sb.append("s".repeat(Math.min(255, 1024 - sb.length() - 2))).append('/');
        }
        sb.append("k".repeat(1024 - sb.length()));
        String key = sb.toString();
        assertThat(key).hasSize(1024);
        put(key, bytes("longest"));
        assertThat(readAll(storage().get(key))).isEqualTo(bytes("longest"));
        assertThat(storage().stat(key)).map(BlobInfo::size).contains(7L);
    }

    @Test
    default void overwriteReplacesTheWholeObject() {
        put("a/key", SeededContent.bytes(SMALL_SEED, 50_000));
        byte[] shorter = SeededContent.bytes(OTHER_SEED, 1_000);
        put("a/key", shorter);
        assertThat(readAll(storage().get("a/key"))).isEqualTo(shorter);
        assertThat(storage().stat("a/key")).map(BlobInfo::size).contains(1_000L);
        assertThat(list("a/")).extracting(BlobInfo::key, BlobInfo::size)
                .containsExactly(tuple("a/key", 1_000L));
    }

    @Test
    default void zeroByteObjectRoundTrips() {
        put("empty/object", new byte[0]);
        assertThat(readAll(storage().get("empty/object"))).isEmpty();
        assertThat(readAll(storage().get("empty/object", ByteRange.from(0)))).isEmpty();
        assertThat(readAll(storage().get("empty/object", ByteRange.of(0, 10)))).isEmpty();
        assertThat(storage().stat("empty/object")).map(BlobInfo::size).contains(0L);
        assertThat(list("empty/")).extracting(BlobInfo::size).containsExactly(0L);
    }

    @Test
    default void zeroByteObjectFromSourceOfUnknownLengthRoundTrips() {
        storage().put("empty/unknown", ContentSource.once(new ByteArrayInputStream(new byte[0])));
        assertThat(readAll(storage().get("empty/unknown"))).isEmpty();
        assertThat(storage().stat("empty/unknown")).map(BlobInfo::size).contains(0L);
    }

    @Test
    default void largeObjectIsStreamedAndReadBackIntact() {
        long size = settings().largeObjectSize();
        long seed = 64;
        storage().put("large/object.bin", SeededContent.source(seed, size));
        assertThat(storage().stat("large/object.bin")).map(BlobInfo::size).contains(size);
        SeededContent.Digest read = SeededContent.digest(storage().get("large/object.bin"));
        assertThat(read.size()).isEqualTo(size);
        assertThat(read.sha256()).isEqualTo(SeededContent.sha256(seed, size));
    }

    @Test
    default void sourceOfUnknownLengthIsStoredWhole() {
        long size = settings().mediumObjectSize();
        storage().put("unknown/length.bin", SeededContent.source(7, size, false));
        assertThat(storage().stat("unknown/length.bin")).map(BlobInfo::size).contains(size);
        assertThat(SeededContent.sha256(storage().get("unknown/length.bin"))).isEqualTo(SeededContent.sha256(7, size));
    }

    @Test
    default void nonRepeatableSourceIsStoredWhole() {
        long size = settings().mediumObjectSize();
        storage().put("once/known.bin", ContentSource.once(SeededContent.stream(8, size), OptionalLong.of(size)));
        storage().put("once/unknown.bin", ContentSource.once(SeededContent.stream(9, size)));
        assertThat(SeededContent.sha256(storage().get("once/known.bin"))).isEqualTo(SeededContent.sha256(8, size));
        assertThat(SeededContent.sha256(storage().get("once/unknown.bin"))).isEqualTo(SeededContent.sha256(9, size));
    }

    @Test
    default void putReadsTheSourceToItsEndAndClosesIt() {
        RecordingSource source = new RecordingSource(SeededContent.bytes(SMALL_SEED, 70_000), false);
        storage().put("closed/source", source);
        assertThat(source.opens.get()).as("times the non-repeatable source was opened").isEqualTo(1);
        assertThat(source.closed.get()).as("source stream closed by put").isTrue();
        assertThat(source.bytesRead.get()).isEqualTo(70_000);
    }

    @Test
    default void getReturnsAStreamThatCanBeReadInSmallSteps() throws IOException {
        byte[] content = SeededContent.bytes(SMALL_SEED, 3_000);
        put("steps/object", content);
        try (InputStream in = storage().get("steps/object")) {
            byte[] first = new byte[10];
            assertThat(in.readNBytes(first, 0, 10)).isEqualTo(10);
            int single = in.read();
            byte[] rest = in.readAllBytes();
            assertThat(first).isEqualTo(Arrays.copyOfRange(content, 0, 10));
            assertThat(single).isEqualTo(content[10] & 0xff);
            assertThat(rest).isEqualTo(Arrays.copyOfRange(content, 11, content.length));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    default void statReturnsKeySizeAndTime() {
        put("stat/object", SeededContent.bytes(SMALL_SEED, 12_345));
        Optional<BlobInfo> info = storage().stat("stat/object");
        assertThat(info).isPresent();
        assertThat(info.get().key()).isEqualTo("stat/object");
        assertThat(info.get().size()).isEqualTo(12_345);
        assertThat(info.get().lastModified()).isNotNull();
    }

    @Test
    default void descriptionIsNotBlank() {
        assertThat(storage().description()).isNotBlank();
    }
}
