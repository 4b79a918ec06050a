package io.backupkit.api.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a stream through and tells {@link #counted} how many bytes each read gave: the base of the streams that
 * bound, count or log what goes by, so that each of them says only what it does with the number.
 *
 * <p>Implementation, not API (see {@link Require}): public only so that the modules share it.
 */
public abstract class CountingInputStream extends FilterInputStream {

    protected CountingInputStream(InputStream in) {
        super(in);
    }

    /** Called after a read that gave {@code n > 0} bytes; may throw to fail that read. */
    protected abstract void counted(long n) throws IOException;

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }
}
