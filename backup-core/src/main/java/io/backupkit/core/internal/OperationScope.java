package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CancelledException;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** One operation while it runs: its id, who asked, its options, its state and whether it was cancelled. */
final class OperationScope {
    final String id;
    final Operation operation;
    final String actor;
    final Instant createdAt;
    final OperationScope parent;
    final Map<String, String> options = new LinkedHashMap<>();
    volatile BackupStatus status = BackupStatus.PENDING;
    volatile Optional<BackupId> backupId;
    volatile Optional<BackupId> safetyBackup = Optional.empty();
    volatile String target = "";
    volatile Instant startedAt;
    volatile Events.Tracker tracker;
    /** Fails the operation when it stops making progress; a nested operation shares its parent's. */
    volatile NoProgressWatchdog watchdog;
    /** Set by an operation that ends without an exception but found a problem (a verify that found damage): FAILED. */
    volatile String failure;
    private volatile boolean cancelRequested;
    /** Runs once the operation's final history record is written (a restore removes its intent record then). */
    volatile Runnable afterRecorded = () -> { };

    OperationScope(Operation operation, String actor, Instant now, Optional<BackupId> backupId, OperationScope parent) {
        byte[] rnd = new byte[4];
        ThreadLocalRandom.current().nextBytes(rnd);
        this.id = IdTime.format(now) + "-" + operation.name().toLowerCase(Locale.ROOT) + "-" + HexFormat.of().formatHex(rnd);
        this.operation = operation;
        this.actor = actor;
        this.createdAt = now;
        this.startedAt = now;
        this.backupId = backupId;
        this.parent = parent;
    }

    void cancel() {
        cancelRequested = true;
    }

    boolean cancelRequested() {
        return cancelRequested || parent != null && parent.cancelRequested();
    }

    /** Throws when the caller cancelled this operation (or the one it is part of). */
    void checkCancelled() {
        if (cancelRequested()) {
            throw new CancelledException(operation.name().toLowerCase(Locale.ROOT) + " " + id + " was cancelled");
        }
    }

    OperationRecord record(Optional<Instant> finishedAt, Optional<String> error, String host) {
        return new OperationRecord(id, operation, status, backupId, actor, startedAt, finishedAt, target, options, error,
                safetyBackup, host);
    }
}
