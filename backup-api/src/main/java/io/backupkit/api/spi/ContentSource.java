package io.backupkit.api.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bytes of an object to {@linkplain StorageProvider#put store}. A {@linkplain #repeatable() repeatable}
 * source can be opened again, so a provider (or a retry wrapper) may restart a failed upload; a streaming
 * source (a database dump being produced) opens once, and providers retry inside it at the part/chunk level.
 */
public interface ContentSource {

    /** Opens the content. The caller closes the stream. A non-repeatable source throws on a second call. */
    InputStream open() throws IOException;

    /** The exact length, when known in advance. */
    OptionalLong length();

    /** Whether {@link #open()} may be called more than once, each time giving the same bytes. */
    boolean repeatable();

    /** Bytes in memory (repeatable). */
    static ContentSource of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new ContentSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public OptionalLong length() {
                return OptionalLong.of(copy.length);
            }

            @Override
            public boolean repeatable() {
                return true;
            }
        };
    }

    /** A file (repeatable while the file does not change). */
    static ContentSource of(Path file) {
        Objects.requireNonNull(file, "file");
        return new ContentSource() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public OptionalLong length() {
                try {
                    return OptionalLong.of(Files.size(file));
                } catch (IOException e) {
                    return OptionalLong.empty();
                }
            }

            @Override
            public boolean repeatable() {
                return true;
            }
        };
    }

    /** A stream that can be read once, of unknown length. */
    static ContentSource once(InputStream stream) {
        return once(stream, OptionalLong.empty());
    }

    /** A stream that can be read once, of the given length if known. */
    static ContentSource once(InputStream stream, OptionalLong length) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(length, "length");
        AtomicBoolean opened = new AtomicBoolean();
        return new ContentSource() {
            @Override
            public InputStream open() throws IOException {
                if (!opened.compareAndSet(false, true)) {
                    throw new IOException("this content source is a one-shot stream and was already opened");
                }
                return stream;
            }

            @Override
            public OptionalLong length() {
                return length;
            }

            @Override
            public boolean repeatable() {
                return false;
            }
        };
    }
}
