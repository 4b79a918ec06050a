package io.backupkit.api.spi;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link StorageProvider} that passes every call to another one: the base of wrappers (retries, logging, fault
 * injection in tests), which override only the verbs they change. {@link #description()}, {@link #close()} and
 * {@link #internalRetries()} are passed on as well, so a wrapper is as transparent as its overrides allow.
 */
public abstract class ForwardingStorageProvider implements StorageProvider {
    private final StorageProvider delegate;

    protected ForwardingStorageProvider(StorageProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped provider. */
    public final StorageProvider delegate() {
        return delegate;
    }

    @Override
    public void put(String key, ContentSource source) {
        delegate.put(key, source);
    }

    @Override
    public InputStream get(String key) {
        return delegate.get(key);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        return delegate.get(key, range);
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        return delegate.stat(key);
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public InternalRetries internalRetries() {
        return delegate.internalRetries();
    }

    @Override
    public java.util.Optional<java.nio.file.Path> localFolder() {
        return delegate.localFolder();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** {@code SimpleClassName[delegate]}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
