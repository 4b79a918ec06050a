package io.backupkit.spring.boot.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes an upload through and fails once it exceeds the limit (for bodies without a declared length). */
final class UploadLimitStream extends FilterInputStream {
    private final long limit;
    private long read;

    UploadLimitStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        read += n;
        if (read > limit) {
            throw new TooLargeException("the upload is more than backupkit.web.max-upload-size allows (" + limit
                    + " bytes); nothing was registered");
        }
    }

    /** Thrown from a read once the limit is passed. */
    static final class TooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }
}
