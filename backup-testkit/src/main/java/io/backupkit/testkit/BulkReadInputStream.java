package io.backupkit.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link FilterInputStream} whose single-byte {@code read()} and {@code skip} go through
 * {@code read(byte[], int, int)}: a stream that limits, counts, delays or breaks its content overrides that one
 * method, and nothing reads around it. {@code super.read(b, off, len)} reads the wrapped stream.
 */
class BulkReadInputStream extends FilterInputStream {
    private final AtomicBoolean closed;

    BulkReadInputStream(InputStream in) {
        this(in, new AtomicBoolean());
    }

    /** @param closed set when the stream is closed: what the test sources report about how a put used them */
    BulkReadInputStream(InputStream in, AtomicBoolean closed) {
        super(in);
        this.closed = closed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] discarded = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int read = read(discarded, 0, (int) Math.min(discarded.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public void close() throws IOException {
        closed.set(true);
        super.close();
    }
}
