package io.backupkit.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A {@link ContentSource} that passes every call to another one: the base of the sources a storage wrapper hands
 * down in place of the caller's (to count, track or break the bytes), which override only {@link #open()} and keep
 * the wrapped source's length and repeatability unless they change them.
 */
public abstract class ForwardingContentSource implements ContentSource {
    private final ContentSource delegate;

    protected ForwardingContentSource(ContentSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped source. */
    protected final ContentSource delegate() {
        return delegate;
    }

    @Override
    public InputStream open() throws IOException {
        return delegate.open();
    }

    @Override
    public OptionalLong length() {
        return delegate.length();
    }

    @Override
    public boolean repeatable() {
        return delegate.repeatable();
    }
}
