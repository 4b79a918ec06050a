package io.backupkit.storage.gdrive;

import io.backupkit.api.internal.SingleByteViaBulkRead;
import java.io.IOException;
import java.io.InputStream;

/**
 * The content of a put as the uploader reads it: counts bytes, enforces the declared length (a source that
 * ends early or runs on fails the upload before its last chunk, so nothing becomes visible), and turns
 * read failures into {@link SourceReadException}. No mark support, so the uploader's own buffering applies.
 */
final class UploadSourceStream extends SingleByteViaBulkRead {
    private final InputStream source;
    private final long declaredLength;
    private long count;
    private boolean endChecked;

    /** @param declaredLength the length the source promised, or -1 if unknown */
    UploadSourceStream(InputStream source, long declaredLength) {
        this.source = source;
        this.declaredLength = declaredLength;
    }

    long count() {
        return count;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        int wanted = len;
        if (declaredLength >= 0) {
            long remaining = declaredLength - count;
            if (remaining == 0) {
                checkNothingBeyondDeclaredLength();
                return -1;
            }
            wanted = (int) Math.min(len, remaining);
        }
        int n;
        try {
            n = source.read(b, off, wanted);
        } catch (IOException e) {
            throw new SourceReadException("reading the content failed after " + count + " bytes: " + e.getMessage(), e);
        }
        if (n < 0) {
            if (declaredLength >= 0) {
                throw new SourceReadException("the content ended after " + count + " bytes but its source declared "
                        + declaredLength, new IOException("premature end of content"));
            }
            return -1;
        }
        count += n;
        if (count == declaredLength) {
            // Probe now, while the last bytes are still on their way: the upload must not complete with them.
            checkNothingBeyondDeclaredLength();
        }
        return n;
    }

    private void checkNothingBeyondDeclaredLength() {
        if (endChecked) {
            return;
        }
        endChecked = true;
        int extra;
        try {
            extra = source.read();
        } catch (IOException e) {
            throw new SourceReadException("reading the content failed at its end: " + e.getMessage(), e);
        }
        if (extra >= 0) {
            throw new SourceReadException("the content is longer than the " + declaredLength + " bytes its source declared",
                    new IOException("content longer than declared"));
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
