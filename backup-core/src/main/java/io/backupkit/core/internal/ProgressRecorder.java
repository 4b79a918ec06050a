package io.backupkit.core.internal;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes a running operation's progress into its RUNNING history record, at most once per interval, so that every
 * instance sharing the storage sees it ({@code jobs()}). Throttled because each write is a storage request; a failed
 * write is logged by the history and never slows or fails the operation.
 */
final class ProgressRecorder implements Consumer<BackupEvent.Progress> {
    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final HistoryLog history;
    private final OperationScope scope;
    private final String host;
    private final long intervalNanos;
    private final AtomicLong lastWrite = new AtomicLong(System.nanoTime());

    ProgressRecorder(HistoryLog history, OperationScope scope, String host, Duration interval) {
        this.history = history;
        this.scope = scope;
        this.host = host;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void accept(BackupEvent.Progress progress) {
        long now = System.nanoTime();
        long last = lastWrite.get();
        if (now - last >= intervalNanos && lastWrite.compareAndSet(last, now)
                && scope.status == BackupStatus.RUNNING) {
            history.write(scope.record(Optional.empty(), Optional.empty(), host), Optional.of(progress));
        }
    }
}
