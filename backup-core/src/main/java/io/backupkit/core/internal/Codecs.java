package io.backupkit.core.internal;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.backupkit.api.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Wraps streams in the compression codecs the format allows. */
public final class Codecs {
    private static final int BUFFER = 64 * 1024;

    private Codecs() {
    }

    /** A stream that compresses into {@code out}; closing it finishes the frame and closes {@code out}. */
    public static OutputStream compress(OutputStream out, Compression compression) throws IOException {
        return switch (compression.codec()) {
            case ZSTD -> {
                ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(out, compression.level());
                z.setChecksum(true);
                yield new java.io.BufferedOutputStream(z, BUFFER);
            }
            case GZIP -> new GZIPOutputStream(out, BUFFER, false) {
                {
                    def.setLevel(compression.level());
                }
            };
            case NONE -> new java.io.BufferedOutputStream(out, BUFFER);
        };
    }

    /** A stream that decompresses {@code in}; closing it closes {@code in}. */
    public static InputStream decompress(InputStream in, Compression.Codec codec) throws IOException {
        return switch (codec) {
            case ZSTD -> new java.io.BufferedInputStream(new ZstdInputStreamNoFinalizer(in), BUFFER);
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case NONE -> in;
        };
    }
}
