package io.backupkit.testkit;

import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.ForwardingContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A source that counts how a put uses it: how often it is opened, how many bytes are read, whether it is closed. */
final class RecordingSource extends ForwardingContentSource {
    private final boolean repeatable;
    final AtomicInteger opens = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicLong bytesRead = new AtomicLong();

    RecordingSource(byte[] content, boolean repeatable) {
        super(ContentSource.of(content));
        this.repeatable = repeatable;
    }

    @Override
    public InputStream open() throws IOException {
        if (opens.incrementAndGet() > 1 && !repeatable) {
            throw new IOException("one-shot source opened twice");
        }
        return new BulkReadInputStream(super.open(), closed) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    bytesRead.addAndGet(n);
                }
                return n;
            }
        };
    }

    @Override
    public boolean repeatable() {
        return repeatable;
    }
}
