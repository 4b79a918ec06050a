package io.backupkit.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the history (restore log and audit trail): an operation, who asked for it, on what, with which
 * options, and how it ended. Stored in the storage under {@code logs/}, so it survives the restore of the very
 * database being backed up and is shared by every application instance using that storage.
 *
 * @param id           unique id of the operation (also the job id of an asynchronous run)
 * @param operation    what was done
 * @param status       RUNNING while it runs; COMPLETED, FAILED or ROLLED_BACK at the end
 * @param backupId     the backup concerned, when there is one
 * @param actor        who asked: a user name, "scheduler", ...
 * @param startedAt    when it started
 * @param finishedAt   when it ended
 * @param target       what it acted on (database URL without credentials, directories, storage)
 * @param options      the options it ran with, as text
 * @param error        the error message of a failed operation
 * @param safetyBackup the safety backup taken before a restore
 * @param host         the machine it ran on
 */
public record OperationRecord(String id, Operation operation, BackupStatus status, Optional<BackupId> backupId,
                              String actor, Instant startedAt, Optional<Instant> finishedAt, String target,
                              Map<String, String> options, Optional<String> error, Optional<BackupId> safetyBackup,
                              String host) {
    public OperationRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(status, "status");
        backupId = backupId == null ? Optional.empty() : backupId;
        actor = actor == null || actor.isBlank() ? "unknown" : actor;
        Objects.requireNonNull(startedAt, "startedAt");
        finishedAt = finishedAt == null ? Optional.empty() : finishedAt;
        target = target == null ? "" : target;
        options = options == null ? Map.of() : Map.copyOf(options);
        error = error == null ? Optional.empty() : error;
        safetyBackup = safetyBackup == null ? Optional.empty() : safetyBackup;
        host = host == null ? "" : host;
    }

    /** Whether this was a dry run (a restore with {@code validateOnly}): it changed nothing. */
    public boolean dryRun() {
        return "true".equals(options.get("validateOnly"));
    }

    /** The operation as a person reads it: {@code restore}, {@code restore (dry run)}, {@code verify}, ... */
    public String label() {
        return operation.name().toLowerCase(java.util.Locale.ROOT) + (dryRun() ? " (dry run)" : "");
    }

    /** Whether this is the run of a safety backup, taken by a restore rather than asked for. */
    public boolean safetyBackupRun() {
        return operation == Operation.BACKUP && BackupType.SAFETY.name().equals(options.get("type"));
    }

    /** How long it ran (so far, for a running operation: zero). */
    public Duration duration() {
        return finishedAt.map(f -> Duration.between(startedAt, f)).orElse(Duration.ZERO);
    }
}
