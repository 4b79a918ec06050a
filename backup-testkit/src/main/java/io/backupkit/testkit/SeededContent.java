package io.backupkit.testkit;

import io.backupkit.api.spi.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * Deterministic pseudo-random content of any size, generated on the fly: the same seed and size always give the
 * same bytes, and any byte can be computed from its position, so large objects are streamed and compared by
 * SHA-256 without ever being held in memory.
 */
public final class SeededContent {
    private SeededContent() {
    }

    /** The byte at {@code position} of the content for {@code seed}. */
    public static int byteAt(long seed, long position) {
        return (int) (block(seed, position >>> 3) >>> ((position & 7) * 8)) & 0xff;
    }

    /** A stream of {@code size} bytes for {@code seed}, starting at position 0. */
    public static InputStream stream(long seed, long size) {
        return stream(seed, 0, size);
    }

    /** A stream of {@code length} bytes for {@code seed}, starting at {@code offset} (for checking ranged reads). */
    public static InputStream stream(long seed, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be >= 0");
        }
        return new SeededStream(seed, offset, offset + length);
    }

    /** Bytes held in memory: only for small contents. */
    public static byte[] bytes(long seed, int size) {
        try (InputStream in = stream(seed, size)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A repeatable source of known length. */
    public static ContentSource source(long seed, long size) {
        return source(seed, size, true);
    }

    /** A repeatable source whose length is known only if {@code lengthKnown}. */
    public static ContentSource source(long seed, long size, boolean lengthKnown) {
        return new ContentSource() {
            @Override
            public InputStream open() {
                return stream(seed, size);
            }

            @Override
            public OptionalLong length() {
                return lengthKnown ? OptionalLong.of(size) : OptionalLong.empty();
            }

            @Override
            public boolean repeatable() {
                return true;
            }
        };
    }

    /** Hex SHA-256 of the content for {@code seed} and {@code size}. */
    public static String sha256(long seed, long size) {
        return sha256(stream(seed, size));
    }

    /** Hex SHA-256 of a slice of the content for {@code seed}. */
    public static String sha256(long seed, long offset, long length) {
        return sha256(stream(seed, offset, length));
    }

    /** Hex SHA-256 of everything the stream gives; closes it. */
    public static String sha256(InputStream in) {
        return digest(in).sha256();
    }

    /** Hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        MessageDigest md = newSha256();
        return HexFormat.of().formatHex(md.digest(bytes));
    }

    /** SHA-256 and byte count of everything the stream gives; closes it. */
    public static Digest digest(InputStream in) {
        MessageDigest md = newSha256();
        long count = 0;
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                md.update(buffer, 0, n);
                count += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Digest(HexFormat.of().formatHex(md.digest()), count);
    }

    /** What {@link #digest} found. */
    public record Digest(String sha256, long size) {
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** SplitMix64's finaliser over (seed, block index): fast and well mixed. */
    private static long block(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + (index + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final class SeededStream extends InputStream {
        private final long seed;
        private final long end;
        private long position;

        SeededStream(long seed, long start, long end) {
            this.seed = seed;
            this.position = start;
            this.end = end;
        }

        @Override
        public int read() {
            if (position >= end) {
                return -1;
            }
            return byteAt(seed, position++);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            int n = (int) Math.min(len, end - position);
            int i = 0;
            while (i < n) {
                long blockIndex = position >>> 3;
                int shift = (int) (position & 7);
                long value = block(seed, blockIndex) >>> (shift * 8);
                int take = Math.min(8 - shift, n - i);
                for (int k = 0; k < take; k++) {
                    b[off + i + k] = (byte) value;
                    value >>>= 8;
                }
                i += take;
                position += take;
            }
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, end - position));
            position += skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - position);
        }
    }
}
