package io.backupkit.testkit;

import io.backupkit.api.StorageException;
import io.backupkit.api.internal.Require;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.ForwardingContentSource;
import io.backupkit.api.spi.ForwardingStorageProvider;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Wraps any {@link StorageProvider} and makes it fail on purpose, to test what the code above storage does when
 * storage breaks. Faults are configured with the {@link #wrap builder}:
 *
 * <pre>{@code
 * FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
 *         .failPutAfterBytes(1_000_000)          // every put dies after 1 MB of its content was read
 *         .failNthCall(Verb.DELETE, 2)           // the second delete fails
 *         .failCalls(key -> key.endsWith("manifest.json"))
 *         .build();
 * ... run the code under test ...
 * storage.heal();                                // faults off: clean-up and assertions see the real storage
 * }</pre>
 *
 * Injected failures are {@link StorageException}s, {@linkplain StorageException#retryable() retryable} unless
 * {@link Builder#retryable(boolean) configured} otherwise, with a message starting {@code "injected fault: "}.
 * A failed put consumes the bytes it read (as a dropped upload does) and is passed through the wrapped
 * provider, so the wrapped provider's own clean-up of a failed put is exercised. Every call is counted, faulty or
 * not. The wrapped provider is {@link #delegate()} (to inspect the real state, e.g. leftovers). Thread-safe.
 */
public final class FaultInjectingStorageProvider extends ForwardingStorageProvider {

    /** The storage verbs, for counting and targeting calls. A ranged get is a {@link #GET}. */
    public enum Verb { PUT, GET, STAT, LIST, DELETE }

    private final List<Fault> faults;
    private final long putFailsAfterBytes;
    private final Predicate<String> putFailsAfterBytesFor;
    private final int putCutsAllowed;
    private final AtomicInteger putCutsDone = new AtomicInteger();
    private final int getCutsAllowed;
    private final long getFailsAfterBytes;
    private final AtomicInteger getCutsDone = new AtomicInteger();
    private final long totalBytesLimit;
    private final Duration readDelay;
    private final boolean retryable;
    private final AtomicBoolean healed = new AtomicBoolean();
    private final Map<Verb, AtomicInteger> calls = new EnumMap<>(Verb.class);
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private final AtomicLong bytesAccepted = new AtomicLong();

    private FaultInjectingStorageProvider(Builder builder) {
        super(builder.delegate);
        this.faults = List.copyOf(builder.faults);
        this.putFailsAfterBytes = builder.putFailsAfterBytes;
        this.putFailsAfterBytesFor = builder.putFailsAfterBytesFor;
        this.putCutsAllowed = builder.putCutsAllowed;
        this.getCutsAllowed = builder.getCutsAllowed;
        this.getFailsAfterBytes = builder.getFailsAfterBytes;
        this.totalBytesLimit = builder.totalBytesLimit;
        this.readDelay = builder.readDelay;
        this.retryable = builder.retryable;
        for (Verb verb : Verb.values()) {
            calls.put(verb, new AtomicInteger());
        }
    }

    /** Starts configuring faults around {@code delegate}. */
    public static Builder wrap(StorageProvider delegate) {
        return new Builder(delegate);
    }

    /** Switches every fault off, for good: later calls go straight to the wrapped provider. */
    public void heal() {
        healed.set(true);
    }

    /** Whether {@link #heal()} was called. */
    public boolean healed() {
        return healed.get();
    }

    /** How many calls of the verb were made so far (including failed and rejected ones). */
    public int calls(Verb verb) {
        return calls.get(verb).get();
    }

    /** How many faults were injected so far. */
    public int faultsInjected() {
        return faultsInjected.get();
    }

    // ------------------------------------------------------------------ verbs

    @Override
    public void put(String key, ContentSource source) {
        int call = calls.get(Verb.PUT).incrementAndGet();
        StorageKeys.requireKey(key);
        Objects.requireNonNull(source, "source");
        maybeFail(Verb.PUT, call, key);
        if (healed.get() || !limitsBytes(key)) {
            super.put(key, source);
            return;
        }
        CuttingSource cutting = new CuttingSource(source, key);
        try {
            super.put(key, cutting);
        } catch (RuntimeException e) {
            if (cutting.cut.get()) {
                throw new StorageException("injected fault: put of '" + key + "' failed after " + cutting.read.get()
                        + " bytes of its content were read", retryable, e);
            }
            throw e;
        }
    }

    @Override
    public InputStream get(String key) {
        enter(Verb.GET, key);
        return cut(key, slow(super.get(key)));
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        enter(Verb.GET, key);
        return cut(key, slow(super.get(key, range)));
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        enter(Verb.STAT, key);
        return super.stat(key);
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        int call = calls.get(Verb.LIST).incrementAndGet();
        StorageKeys.requirePrefix(prefix);
        maybeFail(Verb.LIST, call, prefix);
        return super.list(prefix);
    }

    @Override
    public void delete(String key) {
        enter(Verb.DELETE, key);
        super.delete(key);
    }

    @Override
    public String toString() {
        return "FaultInjectingStorageProvider[" + delegate() + (healed.get() ? ", healed" : "") + "]";
    }

    // ------------------------------------------------------------------ faults

    /** Counts the call (rejected ones too), checks the key, and injects the fault the call matches, if any. */
    private void enter(Verb verb, String key) {
        int call = calls.get(verb).incrementAndGet();
        StorageKeys.requireKey(key);
        maybeFail(verb, call, key);
    }

    private void maybeFail(Verb verb, int call, String key) {
        if (healed.get()) {
            return;
        }
        for (Fault fault : faults) {
            if (fault.matches(verb, call, key)) {
                faultsInjected.incrementAndGet();
                throw new StorageException("injected fault: " + verb.name().toLowerCase(Locale.ROOT) + " '" + key
                        + "' (call #" + call + " of " + verb + ") failed", retryable);
            }
        }
    }

    private boolean limitsBytes(String key) {
        return putFailsAfterBytes >= 0 && putFailsAfterBytesFor.test(key) && putCutsDone.get() < putCutsAllowed
                || totalBytesLimit >= 0;
    }

    /** The first configured gets return streams that break after some bytes, as a dropped download does. */
    private InputStream cut(String key, InputStream in) {
        if (getFailsAfterBytes < 0 || healed.get() || getCutsDone.getAndIncrement() >= getCutsAllowed) {
            return in;
        }
        return new BulkReadInputStream(in) {
            private long delivered;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len > 0 && delivered >= getFailsAfterBytes) {
                    faultsInjected.incrementAndGet();
                    throw new IOException("injected fault: download of '" + key + "' dropped after " + delivered + " bytes",
                            new StorageException("injected fault: download of '" + key + "' dropped after " + delivered
                                    + " bytes", retryable));
                }
                int n = super.read(b, off, (int) Math.min(len, getFailsAfterBytes - delivered));
                delivered += Math.max(n, 0);
                return n;
            }
        };
    }

    private InputStream slow(InputStream in) {
        if (readDelay.isZero()) {
            return in;
        }
        return new BulkReadInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                pause();
                return super.read(b, off, len);
            }

            private void pause() throws InterruptedIOException {
                if (healed.get()) {
                    return;
                }
                try {
                    Thread.sleep(readDelay.toMillis(), readDelay.toNanosPart() % 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted during an injected slow read");
                }
            }
        };
    }

    /** Hands the content through until the configured byte limit, then throws as a dropped connection would. */
    private final class CuttingSource extends ForwardingContentSource {
        private final String key;
        final AtomicBoolean cut = new AtomicBoolean();
        final AtomicLong read = new AtomicLong();

        CuttingSource(ContentSource source, String key) {
            super(source);
            this.key = key;
        }

        @Override
        public InputStream open() throws IOException {
            read.set(0);
            InputStream in = super.open();
            return new BulkReadInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    long allowed = allowed();
                    if (allowed <= 0 && len > 0) {
                        if (in.read() < 0) {
                            return -1; // the content ended exactly at the limit: nothing is lost
                        }
                        if (!cut.getAndSet(true)) {
                            faultsInjected.incrementAndGet();
                            if (putFailsAfterBytes >= 0 && putFailsAfterBytesFor.test(key)) {
                                putCutsDone.incrementAndGet();
                            }
                        }
                        throw new IOException("injected fault: connection dropped after " + read.get()
                                + " bytes of '" + key + "'");
                    }
                    int n = super.read(b, off, (int) Math.min(len, allowed));
                    if (n > 0) {
                        read.addAndGet(n);
                        bytesAccepted.addAndGet(n);
                    }
                    return n;
                }

                private long allowed() {
                    long allowed = Long.MAX_VALUE;
                    if (putFailsAfterBytes >= 0 && putFailsAfterBytesFor.test(key) && putCutsDone.get() < putCutsAllowed) {
                        allowed = putFailsAfterBytes - read.get();
                    }
                    if (totalBytesLimit >= 0) {
                        allowed = Math.min(allowed, totalBytesLimit - bytesAccepted.get());
                    }
                    return allowed;
                }
            };
        }
    }

    private record Fault(Verb verb, int fromCall, int toCall, int every, Predicate<String> keys) {
        boolean matches(Verb verb, int call, String key) {
            return (this.verb == null || this.verb == verb) && call >= fromCall && call <= toCall
                    && (every <= 1 || call % every == 0) && keys.test(key);
        }
    }

    /** Configures the faults. Every method adds a fault; all configured faults apply. */
    public static final class Builder {
        private final StorageProvider delegate;
        private final List<Fault> faults = new ArrayList<>();
        private long putFailsAfterBytes = -1;
        private Predicate<String> putFailsAfterBytesFor = key -> true;
        private int putCutsAllowed = Integer.MAX_VALUE;
        private int getCutsAllowed;
        private long getFailsAfterBytes = -1;
        private long totalBytesLimit = -1;
        private Duration readDelay = Duration.ZERO;
        private boolean retryable = true;

        private Builder(StorageProvider delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /**
         * Every put fails once it has read {@code bytes} bytes of its content (a put of at most that many bytes
         * succeeds): the source stream given to the wrapped provider throws (having read one more byte from the
         * source, to tell a content that ends exactly at the limit), and the put throws a {@link StorageException}.
         */
        public Builder failPutAfterBytes(long bytes) {
            return failPutAfterBytes(bytes, key -> true);
        }

        /** As {@link #failPutAfterBytes(long)}, for the puts whose key matches. */
        public Builder failPutAfterBytes(long bytes, Predicate<String> keys) {
            Require.atLeast("bytes", bytes, 0);
            this.putFailsAfterBytes = bytes;
            this.putFailsAfterBytesFor = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** As {@link #failPutAfterBytes(long)}, for the first {@code puts} puts that reach the limit only; later ones succeed. */
        public Builder failFirstPutsAfterBytes(int puts, long bytes) {
            requirePositive(puts);
            failPutAfterBytes(bytes);
            this.putCutsAllowed = puts;
            return this;
        }

        /**
         * The streams of the first {@code gets} gets break after {@code bytes} bytes: a read throws an
         * {@link IOException} whose cause is a {@link StorageException} (retryable unless configured otherwise).
         */
        public Builder failFirstGetsAfterBytes(int gets, long bytes) {
            requirePositive(gets);
            Require.atLeast("bytes", bytes, 0);
            this.getCutsAllowed = gets;
            this.getFailsAfterBytes = bytes;
            return this;
        }

        /** Every {@code n}-th call of the verb fails (calls n, 2n, 3n...): a flaky backend. */
        public Builder failEveryNthCall(Verb verb, int n) {
            Require.argument(n >= 2, "n must be >= 2 (n = 1 would fail every call: use failFromNthCall), was %d", n);
            faults.add(new Fault(Objects.requireNonNull(verb, "verb"), 1, Integer.MAX_VALUE, n, key -> true));
            return this;
        }

        /**
         * Puts fail once {@code bytes} bytes in total were accepted by puts since the wrapper was built, like a disk
         * filling up: the put that crosses the limit fails part-way, and every later put fails at once.
         */
        public Builder failAfterTotalBytes(long bytes) {
            Require.atLeast("bytes", bytes, 0);
            this.totalBytesLimit = bytes;
            return this;
        }

        /** The {@code n}-th call of the verb (counting from 1) fails before reaching the wrapped provider. */
        public Builder failNthCall(Verb verb, int n) {
            requirePositive(n);
            faults.add(new Fault(Objects.requireNonNull(verb, "verb"), n, n, 0, key -> true));
            return this;
        }

        /** The first {@code count} calls of the verb fail before reaching the wrapped provider. */
        public Builder failFirstCalls(Verb verb, int count) {
            requirePositive(count);
            faults.add(new Fault(Objects.requireNonNull(verb, "verb"), 1, count, 0, key -> true));
            return this;
        }

        /** Every call from the {@code n}-th on (counting from 1) of the verb fails. */
        public Builder failFromNthCall(Verb verb, int n) {
            requirePositive(n);
            faults.add(new Fault(Objects.requireNonNull(verb, "verb"), n, Integer.MAX_VALUE, 0, key -> true));
            return this;
        }

        /** Every call of any verb whose key (for list: prefix) matches fails. */
        public Builder failCalls(Predicate<String> keys) {
            faults.add(new Fault(null, 1, Integer.MAX_VALUE, 0, Objects.requireNonNull(keys, "keys")));
            return this;
        }

        /** Every call of the verb whose key (for list: prefix) matches fails. */
        public Builder failCalls(Verb verb, Predicate<String> keys) {
            faults.add(new Fault(Objects.requireNonNull(verb, "verb"), 1, Integer.MAX_VALUE, 0, Objects.requireNonNull(keys, "keys")));
            return this;
        }

        /** Every read from a stream returned by get waits {@code delay} first. */
        public Builder slowReads(Duration delay) {
            Require.notNegative("delay", delay);
            this.readDelay = delay;
            return this;
        }

        /** Whether injected failures say they are retryable; default {@code true} (a transient network failure). */
        public Builder retryable(boolean retryable) {
            this.retryable = retryable;
            return this;
        }

        public FaultInjectingStorageProvider build() {
            return new FaultInjectingStorageProvider(this);
        }

        private static void requirePositive(int n) {
            Require.argument(n >= 1, "calls are counted from 1, was %d", n);
        }
    }
}
