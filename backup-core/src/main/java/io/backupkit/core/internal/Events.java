package io.backupkit.core.internal;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupListener;
import io.backupkit.api.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to listeners; a listener that throws is logged and never breaks the operation. */
final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);
    private static final long PROGRESS_INTERVAL_NANOS = 500_000_000L;

    private final List<BackupListener> listeners;
    private final Clock clock;

    public Events(List<BackupListener> listeners, Clock clock) {
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public void emit(BackupEvent event) {
        for (BackupListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException | Error e) {
                LOG.warn("BackupListener {} threw on {}; ignored so the operation continues", l, event.getClass().getSimpleName(), e);
            }
        }
    }

    /** Starts tracking one operation: emits Started. */
    public Tracker start(Operation op, Optional<BackupId> id) {
        Tracker t = new Tracker(op, id, clock.instant(), System.nanoTime());
        emit(new BackupEvent.Started(op, id, t.startedAt));
        return t;
    }

    /** One operation's progress counters; thread-safe. */
    public final class Tracker {
        private final Operation op;
        private volatile Optional<BackupId> id;
        private final Instant startedAt;
        private final long startNanos;
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong rows = new AtomicLong();
        private final AtomicInteger tables = new AtomicInteger();
        private final AtomicLong files = new AtomicLong();
        private final AtomicLong lastEmit = new AtomicLong();
        private volatile OptionalLong totalBytes = OptionalLong.empty();
        private volatile BackupEvent.Progress lastProgress;
        private volatile Consumer<BackupEvent.Progress> recorder = p -> { };

        private Tracker(Operation op, Optional<BackupId> id, Instant startedAt, long startNanos) {
            this.op = op;
            this.id = id;
            this.startedAt = startedAt;
            this.startNanos = startNanos;
            this.lastEmit.set(startNanos);
        }

        public Instant startedAt() {
            return startedAt;
        }

        /** Also hands every progress event to {@code recorder} (which persists it, throttled), before listeners. */
        public void recordTo(Consumer<BackupEvent.Progress> recorder) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
        }

        /** The latest progress event emitted, if any. */
        public Optional<BackupEvent.Progress> lastProgress() {
            return Optional.ofNullable(lastProgress);
        }

        public void totalBytes(long total) {
            totalBytes = OptionalLong.of(total);
        }

        public void bytes(long n) {
            bytes.addAndGet(n);
            maybeEmit();
        }

        public void rows(long n) {
            rows.addAndGet(n);
            maybeEmit();
        }

        public void tableDone() {
            tables.incrementAndGet();
            maybeEmit();
        }

        public void files(long n) {
            files.addAndGet(n);
            maybeEmit();
        }

        /** Everything moved so far (bytes, rows, tables, files) as one number that grows with any of them. */
        public long moved() {
            return bytes.get() + rows.get() + tables.get() + files.get();
        }

        public Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }

        public void finished() {
            emitProgress(System.nanoTime());
            emit(new BackupEvent.Finished(op, id, clock.instant(), elapsed()));
        }

        public void failed(BackupException error) {
            emit(new BackupEvent.Failed(op, id, clock.instant(), elapsed(), error));
        }

        private void maybeEmit() {
            long now = System.nanoTime();
            long last = lastEmit.get();
            if (now - last >= PROGRESS_INTERVAL_NANOS && lastEmit.compareAndSet(last, now)) {
                emitProgress(now);
            }
        }

        private void emitProgress(long now) {
            long b = bytes.get();
            double seconds = Math.max((now - startNanos) / 1e9, 1e-9);
            double rate = b / seconds;
            Optional<Duration> eta = Optional.empty();
            if (totalBytes.isPresent() && rate > 0) {
                long left = Math.max(0, totalBytes.getAsLong() - b);
                eta = Optional.of(Duration.ofMillis((long) (left / rate * 1000)));
            }
            BackupEvent.Progress p = new BackupEvent.Progress(op, id, clock.instant(), b, totalBytes, rows.get(),
                    tables.get(), files.get(), rate, eta);
            lastProgress = p;
            try {
                recorder.accept(p);
            } catch (RuntimeException e) {
                LOG.warn("Could not record the progress of {}: {}", op, e.getMessage());
            }
            emit(p);
        }
    }
}
