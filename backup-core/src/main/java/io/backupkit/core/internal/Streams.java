package io.backupkit.core.internal;

import java.io.IOException;
import java.io.InputStream;

/** Small stream helpers shared by the engine's stream classes. */
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
}
