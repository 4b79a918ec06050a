package io.backupkit.core.storage;

import io.backupkit.api.internal.CountingInputStream;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.ForwardingContentSource;
import io.backupkit.api.spi.ForwardingStorageProvider;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wrapper that logs every call of another {@link StorageProvider} at DEBUG: verb, key, bytes moved, duration, and
 * the failure message if any. It never logs content. Public so an application can compose it, but a wrapper, not a
 * backend. When DEBUG is off for its logger, calls go straight through with no counting.
 *
 * <p>Reads and listings are logged when their stream is closed, with the bytes read or objects returned.
 */
public final class LoggingStorageProvider extends ForwardingStorageProvider {
    private final Logger logger;
    private final String where;

    private LoggingStorageProvider(StorageProvider delegate, Logger logger) {
        super(delegate);
        this.logger = Objects.requireNonNull(logger, "logger");
        this.where = delegate.description();
    }

    /** Logs to the logger {@code io.backupkit.core.storage.LoggingStorageProvider}. */
    public static LoggingStorageProvider wrap(StorageProvider delegate) {
        return new LoggingStorageProvider(delegate, LoggerFactory.getLogger(LoggingStorageProvider.class));
    }

    /** Logs to the given logger. */
    public static LoggingStorageProvider wrap(StorageProvider delegate, Logger logger) {
        return new LoggingStorageProvider(delegate, logger);
    }

    @Override
    public void put(String key, ContentSource source) {
        if (!logger.isDebugEnabled()) {
            super.put(key, source);
            return;
        }
        long start = System.nanoTime();
        CountingSource counting = source == null ? null : new CountingSource(source);
        try {
            super.put(key, counting);
        } catch (RuntimeException e) {
            logger.debug("{}: put '{}' failed after {} bytes in {} ms: {}", where, key,
                    counting == null ? 0 : counting.bytes.get(), millisSince(start), e.toString());
            throw e;
        }
        logger.debug("{}: put '{}' {} bytes in {} ms", where, key, counting.bytes.get(), millisSince(start));
    }

    @Override
    public InputStream get(String key) {
        return logGet(key, null);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        return logGet(key, range);
    }

    private InputStream logGet(String key, ByteRange range) {
        return logged(() -> range == null ? "get '" + key + "'" : "get '" + key + "' " + describe(range),
                () -> range == null ? super.get(key) : super.get(key, range), LoggedRead::new);
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        return logged(() -> "stat '" + key + "'", () -> super.stat(key), (info, what, start) -> {
            logger.debug("{}: {} {} in {} ms", where, what, info.map(i -> i.size() + " bytes").orElse("missing"),
                    millisSince(start));
            return info;
        });
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        return logged(() -> "list '" + prefix + "'", () -> super.list(prefix), (stream, what, start) -> {
            AtomicLong count = new AtomicLong();
            AtomicBoolean logged = new AtomicBoolean();
            return stream.peek(info -> count.incrementAndGet()).onClose(() -> {
                if (!logged.getAndSet(true)) {
                    logger.debug("{}: {} returned {} objects in {} ms", where, what, count.get(), millisSince(start));
                }
            });
        });
    }

    @Override
    public void delete(String key) {
        logged(() -> "delete '" + key + "'", () -> {
            super.delete(key);
            return null;
        }, (none, what, start) -> {
            logger.debug("{}: {} in {} ms", where, what, millisSince(start));
            return none;
        });
    }

    /**
     * Makes one call; at DEBUG, times it and logs a failure here, a success through {@code success} (which says what
     * came back). Below DEBUG it only makes the call, and {@code what} is never built.
     */
    private <T> T logged(Supplier<String> what, Supplier<T> call, Success<T> success) {
        if (!logger.isDebugEnabled()) {
            return call.get();
        }
        long start = System.nanoTime();
        String described = what.get();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            logger.debug("{}: {} failed in {} ms: {}", where, described, millisSince(start), e.toString());
            throw e;
        }
        return success.logged(result, described, start);
    }

    /** What a successful call logs, given its result, the call described and its start ({@link System#nanoTime()}). */
    @FunctionalInterface
    private interface Success<T> {
        T logged(T result, String what, long start);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static String describe(ByteRange range) {
        return "bytes " + range.offset() + "-" + (range.length().isPresent()
                ? String.valueOf(range.offset() + range.length().getAsLong() - 1) : "end");
    }

    /** Counts the bytes the wrapped provider reads from the source; never looks at them. */
    private static final class CountingSource extends ForwardingContentSource {
        final AtomicLong bytes = new AtomicLong();

        CountingSource(ContentSource source) {
            super(source);
        }

        @Override
        public InputStream open() throws IOException {
            bytes.set(0); // a retry inside the provider reads again from the start
            return new CountingFilter(super.open()) {
                @Override
                protected void counted(long n) {
                    bytes.addAndGet(n);
                }
            };
        }
    }

    /** Passes the bytes through and tells {@link #counted} how many went by (read or skipped). */
    private abstract static class CountingFilter extends CountingInputStream {
        CountingFilter(InputStream in) {
            super(in);
        }

        @Override
        protected abstract void counted(long n);

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counted(skipped);
            return skipped;
        }
    }

    /** Counts the bytes the caller reads, and logs them once when closed. */
    private final class LoggedRead extends CountingFilter {
        private final String what;
        private final long start;
        private long bytes;
        private boolean closed;

        LoggedRead(InputStream in, String what, long start) {
            super(in);
            this.what = what;
            this.start = start;
        }

        @Override
        protected void counted(long n) {
            bytes += n;
        }

        @Override
        public boolean markSupported() {
            return false; // a reset would make the count wrong
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (!closed) {
                    closed = true;
                    logger.debug("{}: {} read {} bytes in {} ms", where, what, bytes, millisSince(start));
                }
            }
        }
    }
}
