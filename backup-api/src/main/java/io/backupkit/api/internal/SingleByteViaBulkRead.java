package io.backupkit.api.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * An {@link InputStream} whose single-byte {@code read()} goes through {@code read(byte[], int, int)}, so a stream
 * that counts, verifies, retries or resumes (the engine's verified object stream, retry wrapper and pipe; Drive's
 * resumable download and length-checked upload source) keeps that in one method that nothing reads around.
 *
 * <p>Implementation, not API (see {@link Require}): public only so that the modules share it.
 */
public abstract class SingleByteViaBulkRead extends InputStream {

    @Override
    public final int read() throws IOException {
        return Streams.readOne(this);
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
