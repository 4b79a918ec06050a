package io.backupkit.core.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreFailedException.TargetState;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The safety backup of a REPLACE whose dumper moves the replaced tables aside in its swap
 * ({@link DatabaseDumper#safetyBackupAfterSwap}): taken from those tables after the swap, when the dumper asks
 * ({@link RestoreContext#takeSafetyBackup}), instead of before the restore, so that rows the application committed
 * while the restore loaded are in it. The nested backup is the usual one; only its database part is written by the
 * dumper's function instead of a dump of the live tables.
 */
final class SafetyAfterSwap {
    /** Never takes one: the safety backup was taken before the restore, skipped, or this restore is a way back. */
    static final SafetyAfterSwap NONE = new SafetyAfterSwap(null, d -> Optional.empty());

    private final DatabaseDumper dumper;
    private final Function<DatabaseDumper, Optional<BackupId>> takeWith;
    private final Map<String, String> recorded = new ConcurrentHashMap<>();
    private volatile Optional<BackupId> taken = Optional.empty();

    /**
     * @param takeWith takes the restore's safety backup with this dumper instead of the engine's
     */
    private SafetyAfterSwap(DatabaseDumper dumper, Function<DatabaseDumper, Optional<BackupId>> takeWith) {
        this.dumper = dumper;
        this.takeWith = takeWith;
    }

    /**
     * The late safety backup where it applies: a database-only REPLACE that takes a safety backup, of tables that
     * exist, by a dumper that swaps; otherwise {@link #NONE} (the engine takes it before the restore as always).
     */
    static SafetyAfterSwap of(DatabaseDumper dumper, boolean applies, List<RestoreResult.TableChange> preview,
                              Function<DatabaseDumper, Optional<BackupId>> takeWith) {
        boolean anyExisting = preview.stream().anyMatch(t -> t.rowsBefore() >= 0);
        return applies && anyExisting ? new SafetyAfterSwap(dumper, takeWith) : NONE;
    }

    /** Whether the safety backup is left to the dumper's swap (the engine takes none before the restore). */
    boolean applies() {
        return this != NONE;
    }

    /** {@link RestoreContext#takeSafetyBackup}: the nested backup with {@code dump} writing its database part. */
    boolean take(Function<DumpContext, DumpSummary> dump) {
        if (!applies() || taken.isPresent()) {
            return false;
        }
        DatabaseDumper writer = new DatabaseDumper() {
            @Override
            public String name() {
                return dumper.name();
            }

            @Override
            public DumpSummary dump(DumpContext context) {
                return dump.apply(context);
            }

            @Override
            public List<RestoreResult.TableChange> restore(RestoreContext context) {
                throw new UnsupportedOperationException("writes a safety backup only");
            }

            @Override
            public List<RestoreResult.TableChange> preview(RestoreContext context) {
                throw new UnsupportedOperationException("writes a safety backup only");
            }
        };
        taken = takeWith.apply(writer);
        return taken.isPresent();
    }

    /** Keeps what the dumper records as its way back (it goes into the intent record too), for {@link #undo}. */
    void record(String key, String value) {
        if (applies()) {
            recorded.put(key, value);
        }
    }

    /**
     * After a failure of the dumper's restore before its safety backup was complete: makes sure the swap is undone
     * (the dumper undoes it itself before it throws; this finishes what that left, from the recorded way back), and
     * says so. When that fails too, the intent record stays for {@code recover}.
     */
    RestoreFailedException undo(BackupException failure, DataSource target, OperationScope scope, Runnable keepForRecovery) {
        try {
            Optional<RecoveryReport.Outcome> o = dumper.recoverSwapAfterKill(target, Map.copyOf(recorded));
            if (o.isPresent() && o.get() == RecoveryReport.Outcome.COMPLETED) {
                // cannot happen before the safety backup: the old tables were released only after it
                throw new IllegalStateException("the swap restore reports itself finished after failing");
            }
        } catch (RuntimeException undoFailure) {
            failure.addSuppressed(undoFailure);
            keepForRecovery.run();
            return new RestoreFailedException(failure.getMessage() + "; undoing its swap failed too ("
                    + undoFailure.getMessage() + "): run recover, which undoes it from the intent record",
                    TargetState.ROLLBACK_FAILED, Optional.empty(), failure);
        }
        scope.status = BackupStatus.ROLLED_BACK;
        return new RestoreFailedException(failure.getMessage() + "; the staged tables were dropped (or the swap undone): "
                + "the target tables are as they were", TargetState.ROLLED_BACK, Optional.empty(), failure);
    }

    /** The safety backup taken after the swap, once complete. */
    Optional<BackupId> taken() {
        return taken;
    }
}
