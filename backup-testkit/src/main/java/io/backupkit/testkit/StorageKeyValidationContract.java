package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Part of the {@link StorageProviderContract storage contract}. Key validation: every verb rejects an unsafe or null
 * key (list: prefix) with {@link IllegalArgumentException} before any I/O, so a put never opens its source and nothing
 * is stored or deleted.
 */
public interface StorageKeyValidationContract extends StorageContractFixture {

    /** Keys every verb rejects: empty, relative, absolute, backslashes, controls, spaces, non-ASCII, hidden, too long. */
    static Stream<String> unsafeKeys() {
        return Stream.of(
                "", "..", "../escape", "a/../../escape", "a/..", ".", "./a", "a/./b",
                "/abs", "/etc/passwd", "a//b", "a/", "//", "a\\b", "\\", "..\\escape", "C:\\x",
                "a\u0000b", "a\nb", "a\rb", "a\tb", "a\u007fb", "a b", "caf\u00e9",
                ".hidden", "a/.hidden", "a/b/.tmp-123",
                "k".repeat(1025), "a/" + "s".repeat(256));
    }

    /** The unsafe keys that are unsafe as list prefixes too ({@code ""} and {@code "a/"} are valid prefixes). */
    static Stream<String> unsafePrefixes() {
        return unsafeKeys().filter(prefix -> !prefix.isEmpty() && !prefix.equals("a/"));
    }

    @ParameterizedTest
    @MethodSource("io.backupkit.testkit.StorageKeyValidationContract#unsafeKeys")
    default void putRejectsUnsafeKeyBeforeAnyIo(String key) {
        RecordingSource source = new RecordingSource(bytes("never stored"), true);
        assertThatThrownBy(() -> storage().put(key, source)).isInstanceOf(IllegalArgumentException.class);
        assertThat(source.opens.get()).as("source opened for a rejected key").isZero();
        assertThat(listKeys("")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("io.backupkit.testkit.StorageKeyValidationContract#unsafeKeys")
    default void getRejectsUnsafeKeyBeforeAnyIo(String key) {
        assertThatThrownBy(() -> storage().get(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().get(key, ByteRange.of(0, 1))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("io.backupkit.testkit.StorageKeyValidationContract#unsafeKeys")
    default void statRejectsUnsafeKeyBeforeAnyIo(String key) {
        assertThatThrownBy(() -> storage().stat(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("io.backupkit.testkit.StorageKeyValidationContract#unsafeKeys")
    default void deleteRejectsUnsafeKeyBeforeAnyIo(String key) {
        put("keep/me", bytes("kept"));
        assertThatThrownBy(() -> storage().delete(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(listKeys("")).containsExactly("keep/me");
    }

    @ParameterizedTest
    @MethodSource("io.backupkit.testkit.StorageKeyValidationContract#unsafePrefixes")
    default void listRejectsUnsafePrefixBeforeAnyIo(String prefix) {
        assertThatThrownBy(() -> {
            try (Stream<BlobInfo> stream = storage().list(prefix)) {
                stream.count();
            }
        }).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void nullKeysAreRejectedWithIllegalArgument() {
        assertThatThrownBy(() -> storage().put(null, ContentSource.of(bytes("x")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().get(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().get(null, ByteRange.from(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().stat(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().delete(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().list(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
