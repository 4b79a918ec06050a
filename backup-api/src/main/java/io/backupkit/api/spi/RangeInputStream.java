package io.backupkit.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** The first {@code remaining} bytes of a stream: what {@link ByteRange#slice} wraps a stream in. */
final class RangeInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    RangeInputStream(InputStream in, long remaining) {
        this.in = in;
        this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = in.read();
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(Math.min(Math.max(n, 0), remaining));
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
