package io.backupkit.api.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Small helpers for the stream classes that implement only the bulk {@code read(byte[], int, int)}, so that what they
 * count, hash, limit or break is never read around: the engine's, the providers' and the test kit's.
 *
 * <p>Implementation, not API (see {@link Require}): public only so that the modules share it.
 */
public final class Streams {
    private Streams() {
    }

    /** {@link InputStream#read()} in terms of the stream's own bulk read, for classes that only implement that. */
    public static int readOne(InputStream in) throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = in.read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /** {@link InputStream#skip} in terms of the stream's own bulk read: the skipped bytes are read (and counted). */
    public static long skipByReading(InputStream in, long n) throws IOException {
        byte[] discarded = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int read = in.read(discarded, 0, (int) Math.min(discarded.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }
}
