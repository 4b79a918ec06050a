package io.backupkit.core.internal;

import io.backupkit.api.internal.Streams;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Passes bytes through while counting them and computing their SHA-256. Mark/reset is not supported. */
class CountingDigestInputStream extends FilterInputStream {
    private final MessageDigest digest = Sha256.newDigest();
    private long count;

    public CountingDigestInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        } else {
            onEnd();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
        } else if (n < 0) {
            onEnd();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        return Streams.skipByReading(this, n); // skipped bytes must still be hashed
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Called once the underlying stream reports its end; subclasses check what was read. */
    protected void onEnd() throws IOException {
    }

    public long count() {
        return count;
    }

    /** The hex SHA-256 of everything read; call once, at the end. */
    public String sha256() {
        return Sha256.hex(digest);
    }
}
