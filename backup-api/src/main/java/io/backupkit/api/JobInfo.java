package io.backupkit.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A running or recent operation of a storage, as every instance sharing that storage sees it: read from the
 * history, where a running operation's record carries its latest progress (refreshed every few seconds while it
 * makes progress). {@link BackupEngine#jobs(int)} and {@link BackupEngine#jobInfo(String)} return them.
 *
 * @param operation the operation's history record (its id is the job id; status RUNNING while it runs)
 * @param progress  the progress last recorded, for an operation that has made some
 * @param updatedAt when the record was last written (the start, the last progress, or the end)
 */
public record JobInfo(OperationRecord operation, Optional<BackupEvent.Progress> progress, Instant updatedAt) {
    public JobInfo {
        Objects.requireNonNull(operation, "operation");
        progress = progress == null ? Optional.empty() : progress;
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public String id() {
        return operation.id();
    }

    /** Whether the operation has not ended (as far as its record says: a killed process leaves RUNNING behind). */
    public boolean running() {
        return operation.status() == BackupStatus.RUNNING || operation.status() == BackupStatus.PENDING;
    }

    /** The fraction done, 0 to 1, when the total is known. */
    public Optional<Double> fractionDone() {
        return progress.filter(p -> p.totalBytes().isPresent() && p.totalBytes().getAsLong() > 0)
                .map(p -> Math.min(1.0, (double) p.bytes() / p.totalBytes().getAsLong()));
    }
}
