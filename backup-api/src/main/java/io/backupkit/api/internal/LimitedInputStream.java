package io.backupkit.api.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Stops reading once more than {@code limit} bytes came through, and remembers that it did: the import of an archive
 * and the web upload of one both bound a stream of unknown length with it, and tell "too large" from other failures
 * by {@link #exceeded()} rather than by the exception that travelled up through the reader.
 *
 * <p>Implementation, not API (see {@link Require}): public only so that the modules share it.
 */
public final class LimitedInputStream extends CountingInputStream {
    private final long limit;
    private long count;
    private volatile boolean exceeded;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** Whether a read went past the limit (and failed). */
    public boolean exceeded() {
        return exceeded;
    }

    @Override
    protected void counted(long n) throws IOException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new IOException("more than " + limit + " bytes");
        }
    }
}
