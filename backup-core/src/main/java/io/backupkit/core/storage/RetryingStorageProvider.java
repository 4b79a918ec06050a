package io.backupkit.core.storage;

import io.backupkit.api.CancelledException;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.internal.Require;
import io.backupkit.api.internal.SingleByteViaBulkRead;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.ForwardingContentSource;
import io.backupkit.api.spi.ForwardingStorageProvider;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wrapper that retries the calls of another {@link StorageProvider} which fail with a
 * {@linkplain StorageException#retryable() retryable} {@link StorageException}, as often and with the waits its
 * {@link RetryPolicy} says. {@code BackupKit.build()} puts one around every provider (outside the
 * {@link LoggingStorageProvider}, so each attempt is logged on its own); an application using a provider on its own
 * can compose it the same way.
 *
 * <p>What is retried, and why only that:
 * <ul>
 *   <li>{@code put} with a {@linkplain ContentSource#repeatable() repeatable} source: the source is opened again.
 *       A one-shot source is retried only if the failed attempt never opened it.</li>
 *   <li>{@code get}: opening, and a failure of the stream before its first byte was returned (the stream is
 *       reopened); once bytes were handed to the caller a failure is passed on, never papered over.</li>
 *   <li>{@code list}: until the first object (or the end) is known; a failure in a later page is passed on, as a
 *       retry there could repeat or skip objects.</li>
 *   <li>{@code stat} and {@code delete}: always (both are idempotent).</li>
 *   <li>Nothing the wrapped provider retries itself ({@link StorageProvider#internalRetries()}): a {@code put} of a
 *       provider that retries its parts inside, every call of one that retries everything (an S3 provider over a
 *       host's client): attempts are never multiplied.</li>
 * </ul>
 * When the attempts are used up, the last failure is thrown inside a {@link StorageException} that says how many
 * attempts were made, with the earlier failures attached as suppressed exceptions.
 */
public final class RetryingStorageProvider extends ForwardingStorageProvider {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingStorageProvider.class);

    private final RetryPolicy policy;
    private final boolean retriesPut;
    private final boolean retriesReads;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    private RetryingStorageProvider(Builder builder) {
        super(builder.delegate);
        this.policy = builder.policy;
        InternalRetries inside = builder.delegate.internalRetries();
        this.retriesPut = inside == InternalRetries.NONE;
        this.retriesReads = inside != InternalRetries.ALL;
        this.sleeper = builder.sleeper;
        this.random = builder.random;
    }

    /** Retries around {@code delegate} as {@code policy} says. */
    public static RetryingStorageProvider wrap(StorageProvider delegate, RetryPolicy policy) {
        return wrap(delegate).policy(policy).build();
    }

    /** Starts configuring retries around {@code delegate}; by default with {@link RetryPolicy#DEFAULT}. */
    public static Builder wrap(StorageProvider delegate) {
        return new Builder(delegate);
    }

    /** The policy in effect. */
    public RetryPolicy policy() {
        return policy;
    }

    /** Waits between attempts; replaceable so tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    // ------------------------------------------------------------------ verbs

    @Override
    public void put(String key, ContentSource source) {
        StorageKeys.requireKey(key);
        Objects.requireNonNull(source, "source");
        if (!retriesPut) {
            super.put(key, source);
            return;
        }
        if (source.repeatable()) {
            retry("put", key, () -> {
                super.put(key, source);
                return null;
            });
            return;
        }
        // A one-shot source can be retried only while no attempt has opened it.
        OpenTracking tracking = new OpenTracking(source);
        retry("put", key, () -> {
            super.put(key, tracking);
            return null;
        }, () -> !tracking.opened.get());
    }

    @Override
    public InputStream get(String key) {
        return get(key, null);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        StorageKeys.requireKey(key);
        Supplier<InputStream> open = range == null ? () -> super.get(key) : () -> super.get(key, range);
        if (!retriesReads) {
            return open.get();
        }
        Attempts attempts = new Attempts("get", key);
        InputStream first = attempts.run(open, () -> true);
        return new RetryBeforeFirstByte(first, open, attempts);
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        StorageKeys.requireKey(key);
        return retry("stat", key, () -> super.stat(key));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        StorageKeys.requirePrefix(prefix);
        if (!retriesReads) {
            return super.list(prefix);
        }
        // Open the stream and fetch up to its first object inside the retry: lazy backends fail there, not in list().
        FirstPage page = retry("list", prefix, () -> {
            Stream<BlobInfo> stream = super.list(prefix);
            try {
                Iterator<BlobInfo> iterator = stream.iterator();
                iterator.hasNext();
                return new FirstPage(stream, iterator);
            } catch (RuntimeException e) {
                try {
                    stream.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        });
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(page.iterator, Spliterator.NONNULL), false)
                .onClose(page.stream::close);
    }

    @Override
    public void delete(String key) {
        StorageKeys.requireKey(key);
        retry("delete", key, () -> {
            super.delete(key);
            return null;
        });
    }

    /** Everything this wrapper could retry is retried here: a second retry wrapper outside adds nothing. */
    @Override
    public InternalRetries internalRetries() {
        return InternalRetries.ALL;
    }

    @Override
    public String toString() {
        return "RetryingStorageProvider[" + delegate() + ", " + policy + "]";
    }

    // ------------------------------------------------------------------ retry loop

    private <T> T retry(String verb, String key, Supplier<T> action) {
        return retry(verb, key, action, () -> true);
    }

    private <T> T retry(String verb, String key, Supplier<T> action, Supplier<Boolean> mayRetry) {
        return retriesReads ? new Attempts(verb, key).run(action, mayRetry) : action.get();
    }

    /** The attempts of one call; shared by a get and the reopenings of its stream. */
    private final class Attempts {
        private final String verb;
        private final String key;
        private int made;
        private StorageException first;

        Attempts(String verb, String key) {
            this.verb = verb;
            this.key = key;
        }

        <T> T run(Supplier<T> action, Supplier<Boolean> mayRetry) {
            while (true) {
                made++;
                try {
                    return action.get();
                } catch (StorageException e) {
                    failed(e, mayRetry.get());
                }
            }
        }

        /** Records a failure; throws when it must not or cannot be retried, else waits for the next attempt. */
        void failed(StorageException e, boolean mayRetry) {
            if (!e.retryable() || !mayRetry) {
                // Not retryable (not found, access denied...) or unsafe to retry: pass it on as it is.
                if (first != null && first != e) {
                    e.addSuppressed(first);
                }
                throw e;
            }
            if (made >= policy.maxAttempts()) {
                throw exhausted(e);
            }
            if (first == null) {
                first = e;
            } else if (first != e) {
                first.addSuppressed(e);
            }
            Duration delay = delay(made);
            LOG.debug("{} '{}' failed (attempt {} of {}), retrying in {} ms: {}", verb, key, made, policy.maxAttempts(),
                    delay.toMillis(), e.getMessage());
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                CancelledException cancelled = new CancelledException(
                        "interrupted while waiting to retry " + verb + " '" + key + "'", interrupted);
                cancelled.addSuppressed(e);
                throw cancelled;
            }
        }

        private StorageException exhausted(StorageException last) {
            if (made == 1) {
                return last; // configured without retries: pass the failure on unchanged
            }
            StorageException exception = new StorageException(verb + " '" + key + "' failed after " + made
                    + " attempts: " + last.getMessage(), true, last);
            if (first != null && first != last) {
                exception.addSuppressed(first);
            }
            return exception;
        }
    }

    /** The wait after failed attempt {@code attempt}: the policy's backoff, with this wrapper's jitter source. */
    Duration delay(int attempt) {
        return policy.delayAfterAttempt(attempt, random.getAsDouble());
    }

    private record FirstPage(Stream<BlobInfo> stream, Iterator<BlobInfo> iterator) {
    }

    /** Remembers whether a one-shot source was opened. */
    private static final class OpenTracking extends ForwardingContentSource {
        final AtomicBoolean opened = new AtomicBoolean();

        OpenTracking(ContentSource source) {
            super(source);
        }

        @Override
        public InputStream open() throws IOException {
            opened.set(true);
            return super.open();
        }

        @Override
        public boolean repeatable() {
            return false;
        }
    }

    /** Reopens the object if its stream fails retryably before giving the caller any byte. */
    private static final class RetryBeforeFirstByte extends SingleByteViaBulkRead {
        private final Supplier<InputStream> open;
        private final Attempts attempts;
        private InputStream in;
        private boolean delivered;

        RetryBeforeFirstByte(InputStream in, Supplier<InputStream> open, Attempts attempts) {
            this.in = in;
            this.open = open;
            this.attempts = attempts;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (delivered) {
                return in.read(b, off, len);
            }
            while (true) {
                try {
                    int n = in.read(b, off, len);
                    if (n != 0) {
                        delivered = true; // a byte or the end: from here on nothing is retried
                    }
                    return n;
                } catch (IOException | StorageException e) {
                    StorageException cause = retryableCause(e);
                    if (cause == null) {
                        throw e;
                    }
                    try {
                        in.close();
                    } catch (IOException suppressed) {
                        cause.addSuppressed(suppressed);
                    }
                    attempts.failed(cause, true);
                    in = attempts.run(open, () -> true);
                }
            }
        }

        @Override
        public long skip(long n) throws IOException {
            if (!delivered && n > 0) {
                return super.skip(n); // reads through read(), so a failure before the first byte is still retried
            }
            return in.skip(n);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private static StorageException retryableCause(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StorageException se) {
                    return se.retryable() ? se : null;
                }
            }
            return null;
        }
    }

    /**
     * Configures retries. Each setter may be called once ({@link IllegalStateException} otherwise) and checks its
     * argument at once.
     */
    public static final class Builder {
        private final StorageProvider delegate;
        private RetryPolicy policy;
        private Sleeper sleeper;
        private DoubleSupplier random;

        private Builder(StorageProvider delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** How often and how patiently to retry; default {@link RetryPolicy#DEFAULT}. */
        public Builder policy(RetryPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            once(this.policy, "policy");
            this.policy = policy;
            return this;
        }

        /** How to wait (tests pass one that records instead of sleeping); default {@link Thread#sleep}. */
        public Builder sleeper(Sleeper sleeper) {
            Objects.requireNonNull(sleeper, "sleeper");
            once(this.sleeper, "sleeper");
            this.sleeper = sleeper;
            return this;
        }

        /** The jitter source, values in [0, 1); default a thread-local random. */
        public Builder jitter(DoubleSupplier random) {
            Objects.requireNonNull(random, "random");
            once(this.random, "jitter");
            this.random = random;
            return this;
        }

        public RetryingStorageProvider build() {
            if (policy == null) {
                policy = RetryPolicy.DEFAULT;
            }
            if (sleeper == null) {
                sleeper = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
            if (random == null) {
                random = () -> ThreadLocalRandom.current().nextDouble();
            }
            return new RetryingStorageProvider(this);
        }

        private static void once(Object current, String setting) {
            Require.state(current == null, "the retry wrapper's %s was already set; set it once", setting);
        }
    }
}
