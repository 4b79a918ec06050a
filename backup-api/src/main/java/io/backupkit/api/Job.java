package io.backupkit.api;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An operation running in the background (the "status/&lt;job_id&gt;" of an admin page). Obtained from
 * {@link BackupEngine#startBackup} and friends, or later by id from {@link BackupEngine#job(String)}.
 *
 * @param <T> the operation's result type
 */
public interface Job<T> {

    /** The job id; the same as the id of its {@link OperationRecord} in the history. */
    String id();

    Operation operation();

    /** PENDING until a worker picks it up, RUNNING, then COMPLETED, FAILED or ROLLED_BACK. */
    BackupStatus status();

    /** The backup concerned, once known (a new backup's id is known when it starts). */
    Optional<BackupId> backupId();

    /** The latest progress report, if any arrived yet. */
    Optional<BackupEvent.Progress> progress();

    /** Completes with the result, or exceptionally with the {@link BackupException}. */
    CompletableFuture<T> result();

    /**
     * Asks the operation to stop. A cancelled backup leaves nothing listed; a cancelled restore stops before it
     * touches the target or rolls back what it changed. Returns false if the job had already ended.
     */
    boolean cancel();
}
