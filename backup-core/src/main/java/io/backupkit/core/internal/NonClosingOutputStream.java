package io.backupkit.core.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The caller's stream under a tar writer: closing the tar (which writes its end blocks) only flushes it, since the
 * caller owns it and may write more (an export's HTTP response, a backup's next part). Writes go through in bulk,
 * not byte by byte as {@link FilterOutputStream} would.
 */
final class NonClosingOutputStream extends FilterOutputStream {
    NonClosingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
