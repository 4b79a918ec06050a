package io.backupkit.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Filter for {@link BackupEngine#history(HistoryQuery)}; criteria combine with AND; newest first.
 *
 * @param operation only this kind of operation
 * @param status    only operations in this state
 * @param backupId  only operations on this backup
 * @param from      only operations started at or after this instant
 * @param before    only operations started before this instant
 * @param limit     at most this many (0 = no limit)
 */
public record HistoryQuery(Optional<Operation> operation, Optional<BackupStatus> status, Optional<BackupId> backupId,
                           Optional<Instant> from, Optional<Instant> before, int limit) {
    public HistoryQuery {
        operation = operation == null ? Optional.empty() : operation;
        status = status == null ? Optional.empty() : status;
        backupId = backupId == null ? Optional.empty() : backupId;
        from = from == null ? Optional.empty() : from;
        before = before == null ? Optional.empty() : before;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 = no limit), was " + limit);
        }
    }

    public static HistoryQuery all() {
        return new HistoryQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    public HistoryQuery withOperation(Operation op) {
        return new HistoryQuery(Optional.of(op), status, backupId, from, before, limit);
    }

    public HistoryQuery withStatus(BackupStatus s) {
        return new HistoryQuery(operation, Optional.of(s), backupId, from, before, limit);
    }

    public HistoryQuery withBackup(BackupId id) {
        return new HistoryQuery(operation, status, Optional.of(id), from, before, limit);
    }

    public HistoryQuery between(Instant fromInclusive, Instant beforeExclusive) {
        return new HistoryQuery(operation, status, backupId, Optional.ofNullable(fromInclusive),
                Optional.ofNullable(beforeExclusive), limit);
    }

    public HistoryQuery withLimit(int max) {
        return new HistoryQuery(operation, status, backupId, from, before, max);
    }

    /** Whether a record passes every criterion (the limit aside). */
    public boolean matches(OperationRecord r) {
        return operation.map(o -> o == r.operation()).orElse(true)
                && status.map(s -> s == r.status()).orElse(true)
                && backupId.map(id -> r.backupId().map(id::equals).orElse(false)).orElse(true)
                && from.map(f -> !r.startedAt().isBefore(f)).orElse(true)
                && before.map(b -> r.startedAt().isBefore(b)).orElse(true);
    }
}
