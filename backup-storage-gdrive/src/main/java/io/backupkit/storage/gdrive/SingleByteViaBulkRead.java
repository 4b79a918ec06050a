package io.backupkit.storage.gdrive;

import io.backupkit.api.internal.Streams;
import java.io.IOException;
import java.io.InputStream;

/**
 * An {@link InputStream} whose single-byte {@code read()} goes through {@code read(byte[], int, int)}, so the
 * streams here (a resumable download, an upload's length-checked source) keep their counting and checks in one
 * method that nothing reads around.
 */
abstract class SingleByteViaBulkRead extends InputStream {

    @Override
    public final int read() throws IOException {
        return Streams.readOne(this);
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
