package io.backupkit.core.internal;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.Job;
import io.backupkit.api.Operation;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A background operation's handle: it reads the operation's scope, and cancelling it cancels the scope. */
final class OperationJob<T> implements Job<T> {
    private final OperationScope scope;
    final CompletableFuture<T> future = new CompletableFuture<>();

    OperationJob(OperationScope scope) {
        this.scope = scope;
    }

    @Override
    public String id() {
        return scope.id;
    }

    @Override
    public Operation operation() {
        return scope.operation;
    }

    @Override
    public BackupStatus status() {
        BackupStatus status = scope.status;
        // The job thread records the end a moment before it hands the result over (and still holds the lock):
        // a poller that is told COMPLETED or FAILED must find the result or the error in result().
        boolean ended = status == BackupStatus.COMPLETED || status == BackupStatus.FAILED
                || status == BackupStatus.ROLLED_BACK;
        return ended && !future.isDone() ? BackupStatus.RUNNING : status;
    }

    @Override
    public Optional<BackupId> backupId() {
        return scope.backupId;
    }

    @Override
    public Optional<BackupEvent.Progress> progress() {
        Events.Tracker t = scope.tracker;
        return t == null ? Optional.empty() : t.lastProgress();
    }

    @Override
    public CompletableFuture<T> result() {
        return future.copy();
    }

    @Override
    public boolean cancel() {
        if (future.isDone()) {
            return false;
        }
        scope.cancel();
        return true;
    }

    @Override
    public String toString() {
        return "Job[" + scope.id + " " + scope.status + "]";
    }
}
