package io.backupkit.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link FilterInputStream} whose single-byte {@code read()} and {@code skip} go through
 * {@code read(byte[], int, int)}: a stream that limits, counts, delays or breaks its content overrides that one
 * method, and nothing reads around it. {@code super.read(b, off, len)} reads the wrapped stream.
 */
class BulkReadInputStream extends FilterInputStream {

    BulkReadInputStream(InputStream in) {
        super(in);
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
}
