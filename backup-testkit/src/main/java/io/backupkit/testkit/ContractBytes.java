package io.backupkit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Small contents for the storage contract's checks. */
final class ContractBytes {
    /** Seed of the small contents most checks store. */
    static final long SMALL_SEED = 1;
    /** Seed of a second, different small content. */
    static final long OTHER_SEED = 2;

    private ContractBytes() {
    }

    /** Reads and closes a small stream. */
    static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] slice(byte[] content, int offset, int length) {
        return Arrays.copyOfRange(content, offset, offset + length);
    }
}
