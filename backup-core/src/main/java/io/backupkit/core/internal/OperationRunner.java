package io.backupkit.core.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.Job;
import io.backupkit.api.Operation;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs every operation of an engine the same way, once: its history record (written at the start, with progress
 * while it runs, and at the end), its events, its lock ({@link OperationLock}), cancellation, and one error type
 * out ({@link OperationFailures}). Background jobs are the same run on the engine's job threads.
 */
final class OperationRunner {
    /** What an operation does once it runs; the runner does the rest. */
    @FunctionalInterface
    interface Body<T> {
        T run(OperationScope scope) throws Exception;
    }

    private final EngineContext context;

    OperationRunner(EngineContext context) {
        this.context = context;
    }

    /** A new operation, not started yet; {@code parent} is the operation it is part of (null for a top-level one). */
    OperationScope scope(Operation operation, String actor, Optional<BackupId> backupId, OperationScope parent) {
        return new OperationScope(operation, actor, context.config.clock().instant(), backupId, parent);
    }

    /** Runs an operation in the caller's thread: history record, events, lock, cancellation, one error type out. */
    <T> T run(OperationScope scope, Body<T> body) {
        context.ensureOpen();
        scope.startedAt = context.config.clock().instant();
        scope.status = BackupStatus.RUNNING;
        scope.tracker = context.events.start(scope.operation, scope.backupId);
        scope.tracker.recordTo(new ProgressRecorder(context.history, scope, context.hostname,
                context.config.progressInterval()));
        context.history.write(scope.record(Optional.empty(), Optional.empty(), context.hostname));
        OperationLock lock = null;
        NoProgressWatchdog watchdog = null;
        try {
            scope.checkCancelled();
            lock = OperationLock.acquire(context, scope);
            watchdog = watch(scope);
            T result = body.run(scope);
            scope.status = scope.failure == null ? BackupStatus.COMPLETED : BackupStatus.FAILED;
            context.history.write(scope.record(Optional.of(context.config.clock().instant()),
                    Optional.ofNullable(scope.failure), context.hostname));
            scope.afterRecorded.run();
            scope.tracker.finished();
            return result;
        } catch (Exception | Error e) {
            BackupException failure = OperationFailures.translate(e, scope.operation.name().toLowerCase(Locale.ROOT)
                    + scope.backupId.map(id -> " of " + id).orElse("") + " failed", scope.operation);
            if (watchdog != null) {
                watchdog.close(); // before the history write, which an interrupt it made would break
                failure = watchdog.failure(failure);
            }
            if (scope.status != BackupStatus.ROLLED_BACK) {
                scope.status = BackupStatus.FAILED;
            }
            context.history.write(scope.record(Optional.of(context.config.clock().instant()),
                    Optional.of(failure.getMessage()), context.hostname));
            scope.afterRecorded.run();
            scope.tracker.failed(failure);
            throw failure;
        } finally {
            if (watchdog != null) {
                watchdog.close();
            }
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * The no-progress watchdog of a backup or restore: its own once it holds its lock (waiting for the lock is not a
     * stall), its parent's for a nested one (a restore's safety backup), none for other operations; null if none.
     */
    private NoProgressWatchdog watch(OperationScope scope) {
        if (scope.parent != null) {
            scope.watchdog = scope.parent.watchdog;
            if (scope.watchdog != null) {
                scope.watchdog.watch(scope.tracker);
            }
            return null;
        }
        if (scope.operation != Operation.BACKUP && scope.operation != Operation.RESTORE) {
            return null;
        }
        scope.watchdog = NoProgressWatchdog.start(scope, context.config.noProgressTimeout());
        return scope.watchdog;
    }

    /** Starts an operation on a job thread and returns its handle at once; the PENDING record is written first. */
    <T> Job<T> submit(OperationScope scope, Body<T> body) {
        context.ensureOpen();
        OperationJob<T> job = new OperationJob<>(scope);
        context.jobsById.put(scope.id, job);
        context.history.write(scope.record(Optional.empty(), Optional.empty(), context.hostname));
        context.jobs.execute(() -> {
            try {
                job.future.complete(run(scope, body));
            } catch (BackupException e) {
                job.future.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                job.future.completeExceptionally(OperationFailures.translate(e, "job " + scope.id + " failed",
                        scope.operation));
            }
        });
        return job;
    }
}
