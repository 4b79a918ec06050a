package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.spi.DatabaseDumper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one restore's intent record ({@link RestoreIntent}, through {@link RestoreJournal}) up to date: written before
 * the restore touches anything, updated before each step that needs a way back, removed once the outcome is in the
 * history. A nested restore (a recovery's own) keeps none: every method is then a no-op.
 */
final class RestoreIntentRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreIntentRecorder.class);

    private final EngineContext context;
    private final OperationScope scope;
    private final RestoreJournal journal;
    /** Null until {@link #start}, and for nested restores. */
    private RestoreIntent intent;
    private boolean keepForRecovery;

    RestoreIntentRecorder(EngineContext context, OperationScope scope) {
        this.context = context;
        this.scope = scope;
        this.journal = new RestoreJournal(context.storage);
    }

    /** Writes the intent record: from here on a crash is recoverable from the record alone. */
    void start(BackupId backup, List<RestoreIntent.FilesIntent> filesPlan) {
        if (scope.parent != null) {
            return;
        }
        HostIdentity host = HostIdentity.local();
        intent = new RestoreIntent(RestoreIntent.FORMAT, scope.id, backup.value(), scope.actor, host.fingerprint(),
                host.pid(), host.processStart().orElse(null), scope.startedAt, now(), RestoreIntent.Phase.STARTED,
                Optional.empty(), Optional.empty(), filesPlan);
        journal.write(intent);
        context.runningRestores.add(scope.id);
        scope.afterRecorded = this::close;
        CrashPoints.reached(CrashPoints.INTENT_WRITTEN);
    }

    void phase(RestoreIntent.Phase phase) {
        if (intent != null) {
            write(intent.at(phase, now()));
        }
    }

    /** The safety backup's id, recorded before it is taken so that a partial one can be found. */
    void safetyBackup(BackupId id) {
        if (intent != null) {
            write(intent.withSafetyBackup(id.value(), now()));
        }
    }

    /** What the database step changes, and how it can be undone, recorded just before it starts. */
    void database(DatabaseDumper dumper, DataSource target, boolean engineDataSource, boolean safetySkipped,
                  List<RestoreResult.TableChange> preview) {
        if (intent == null) {
            return;
        }
        List<String> created = preview.stream().filter(t -> t.rowsBefore() < 0).map(RestoreResult.TableChange::table).toList();
        write(intent.withDatabase(new RestoreIntent.DatabaseIntent(dumper.name(), JdbcUrls.of(target), engineDataSource,
                dumper.restoresAtomically(target), created, safetySkipped, Map.of()), now())
                .at(RestoreIntent.Phase.DATABASE, now()));
        CrashPoints.reached(CrashPoints.DATABASE_STARTING);
    }

    /** A dumper's own way back, written into the intent record before the step that needs it. */
    void dumperData(String key, String value) {
        if (intent == null || intent.database().isEmpty()) {
            return;
        }
        RestoreIntent.DatabaseIntent d = intent.database().get();
        Map<String, String> data = new TreeMap<>(d.dumperData());
        data.put(key, value);
        write(intent.withDatabase(new RestoreIntent.DatabaseIntent(d.dumper(), d.url(), d.engineDataSource(),
                d.atomic(), d.createdTables(), d.safetySkipped(), data), now()));
    }

    /** Putting the target back failed: the record stays, so that {@code recover} tries again from it. */
    void keepForRecovery() {
        keepForRecovery = true;
    }

    /** The outcome is in the history: the intent record goes, unless {@link #keepForRecovery} was called. */
    private void close() {
        context.runningRestores.remove(scope.id);
        if (intent != null && !keepForRecovery) {
            try {
                journal.remove(intent);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the intent record of restore {}: {}; the next restore or recover removes it",
                        scope.id, e.getMessage());
            }
        }
    }

    private void write(RestoreIntent next) {
        intent = next;
        journal.write(intent);
    }

    private Instant now() {
        return context.config.clock().instant();
    }
}
