package io.backupkit.testkit;

import io.backupkit.api.spi.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-shot source of {@link SeededContent} whose stream gives the bytes before {@code stopAt}, then calls
 * {@link #atStop()} before giving any more: a subclass fails there or waits there.
 */
abstract class InterruptedSource implements ContentSource {
    private final long seed;
    private final long size;
    private final long stopAt;
    final AtomicBoolean closed = new AtomicBoolean();

    InterruptedSource(long seed, long size, long stopAt) {
        this.seed = seed;
        this.size = size;
        this.stopAt = stopAt;
    }

    /** Runs when the stream reaches {@code stopAt}, again on every read until it returns normally. */
    abstract void atStop(long position) throws IOException;

    @Override
    public final InputStream open() {
        return new BulkReadInputStream(SeededContent.stream(seed, size), closed) {
            private long position;
            private boolean passed;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position == stopAt && !passed) {
                    atStop(position);
                    passed = true;
                }
                long limit = position < stopAt ? stopAt - position : len;
                int n = super.read(b, off, (int) Math.min(len, limit));
                position += Math.max(n, 0);
                return n;
            }
        };
    }

    @Override
    public final OptionalLong length() {
        return OptionalLong.of(size);
    }

    @Override
    public final boolean repeatable() {
        return false;
    }
}
