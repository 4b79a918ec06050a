package io.backupkit.api.spi;

import java.io.InputStream;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A range of bytes of a stored object: from {@code offset}, {@code length} bytes or to the end.
 * A range that reaches past the end of the object returns the bytes that exist.
 */
public record ByteRange(long offset, OptionalLong length) {
    public ByteRange {
        if (offset < 0) {
            throw new IllegalArgumentException("range offset must be >= 0, was " + offset);
        }
        length = length == null ? OptionalLong.empty() : length;
        if (length.isPresent() && length.getAsLong() < 0) {
            throw new IllegalArgumentException("range length must be >= 0, was " + length.getAsLong());
        }
    }

    /** From {@code offset} to the end. */
    public static ByteRange from(long offset) {
        return new ByteRange(offset, OptionalLong.empty());
    }

    /** {@code length} bytes from {@code offset}. */
    public static ByteRange of(long offset, long length) {
        return new ByteRange(offset, OptionalLong.of(length));
    }

    /** The last byte position (inclusive) for an object of the given size, as HTTP Range headers want it; -1 if empty. */
    public long lastInclusive(long objectSize) {
        long end = length.isPresent() ? Math.min(objectSize, offset + length.getAsLong()) : objectSize;
        return end - 1;
    }

    /**
     * The bytes of this range, read from {@code atOffset}, a stream of the object already positioned at
     * {@link #offset()}: it ends after {@link #length()} bytes, or where {@code atOffset} ends. Closing it closes
     * {@code atOffset}. For providers that serve a range from a plain stream or file.
     */
    public InputStream slice(InputStream atOffset) {
        Objects.requireNonNull(atOffset, "atOffset");
        return length.isPresent() ? new RangeInputStream(atOffset, length.getAsLong()) : atOffset;
    }
}
