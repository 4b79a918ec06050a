package io.backupkit.testkit;

import io.backupkit.api.internal.Streams;
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
        return Streams.readOne(this);
    }

    @Override
    public long skip(long n) throws IOException {
        return Streams.skipByReading(this, n);
    }

    @Override
    public void close() throws IOException {
        closed.set(true);
        super.close();
    }
}
