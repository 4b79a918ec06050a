package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.Operation;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.UnfinishedRestore;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery of restores whose process died: {@link RestoreRecovery} does the work from their intent records; this
 * gives it what only the engine knows (dumpers, data sources, a nested restore of a safety backup).
 */
record RecoveryOperation(EngineContext context, OperationRunner runner, RestoreOperation restores) {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryOperation.class);

    /** Restores that stopped before they finished; one running in this engine is listed as running. */
    List<UnfinishedRestore> unfinished() {
        context.ensureOpen();
        return recovery().unfinished(context.config.lock().enabled()).stream()
                .map(u -> context.runningRestores.contains(u.operationId()) && !u.running()
                        ? new UnfinishedRestore(u.operationId(), u.backupId(), u.startedAt(), u.host(),
                        u.phase(), u.safetyBackup(), u.targets(), true) : u)
                .toList();
    }

    /** Finishes or undoes every unfinished restore of this storage. */
    RecoveryReport recover(OperationScope scope) {
        RecoveryReport report = recovery().recoverAll(scope.id, context.config.lock().enabled(),
                databaseWayBack(Optional.empty(), scope));
        report.recovered().forEach(RecoveryOperation::logRecovered);
        scope.options.put("recovered", Integer.toString(report.recovered().size()));
        report.recovered().forEach(r -> scope.options.put(r.restore().operationId(), r.outcome().name()));
        return report;
    }

    /**
     * Before a restore touches anything: finishes or undoes restores of this storage (and of these file targets) whose
     * process died. Nested restores (a recovery's own) do not.
     */
    void recoverUnfinished(OperationScope scope, Collection<Path> targets, Optional<DataSource> requestTarget) {
        if (scope.parent != null) {
            return;
        }
        RestoreRecovery recovery = recovery();
        boolean lockHeld = context.config.lock().enabled();
        for (RecoveryReport.Recovered r : recovery.recoverAll(scope.id, lockHeld,
                databaseWayBack(requestTarget, scope)).recovered()) {
            logRecovered(r);
        }
        for (Path t : targets) {
            recovery.recoverBeside(t, scope.id, lockHeld, databaseWayBack(requestTarget, scope))
                    .ifPresent(RecoveryOperation::logRecovered);
        }
    }

    private RestoreRecovery recovery() {
        return new RestoreRecovery(context.storage, context.history, context.config.clock(), context.runningRestores::contains);
    }

    private static void logRecovered(RecoveryReport.Recovered r) {
        LOG.warn("Unfinished restore {} of {}: {} ({})", r.restore().operationId(), r.restore().backupId(), r.outcome(),
                r.message());
    }

    /** The database side of recovery: the dumpers and data sources only the engine knows. */
    private RestoreRecovery.DatabaseWayBack databaseWayBack(Optional<DataSource> requestTarget, OperationScope parent) {
        return new RestoreRecovery.DatabaseWayBack() {
            @Override
            public void restoreSafetyBackup(RestoreIntent intent, RestoreIntent.DatabaseIntent db, BackupId safety) {
                DataSource ds = dataSourceFor(intent, db);
                dropCreatedTables(intent, db);
                RestoreRequest back = RestoreRequest.builder(safety).databaseOnly().mode(RestoreMode.REPLACE)
                        .safetyBackup(false).targetDataSource(ds).actor("recovery").build();
                runner.run(runner.scope(Operation.RESTORE, "recovery", Optional.of(safety), parent),
                        sc -> restores.restore(sc, back));
            }

            @Override
            public void dropCreatedTables(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                if (!db.createdTables().isEmpty()) {
                    context.dumperNamed(db.dumper()).dropTables(dataSourceFor(intent, db), db.createdTables());
                }
            }

            @Override
            public void cleanUpAfterKill(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                context.dumperNamed(db.dumper()).recoverAfterKill(dataSourceFor(intent, db), db.dumperData());
            }

            @Override
            public Optional<RecoveryReport.Outcome> recoverSwap(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                return context.dumperNamed(db.dumper()).recoverSwapAfterKill(dataSourceFor(intent, db), db.dumperData());
            }

            @Override
            public Optional<Boolean> committedBeforeKill(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                return context.dumperNamed(db.dumper()).committedBeforeKill(dataSourceFor(intent, db), db.dumperData());
            }

            private DataSource dataSourceFor(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                if (db.engineDataSource() && context.config.dataSource().isPresent()) {
                    return context.config.dataSource().get();
                }
                if (requestTarget.isPresent() && JdbcUrls.of(requestTarget.get()).equals(db.url())) {
                    return requestTarget.get();
                }
                throw new ConfigurationException("restore " + intent.operationId() + " was changing the database " + db.url()
                        + (db.engineDataSource() ? ", this engine's database, but this engine has no dataSource configured"
                        : ", not this engine's own") + ": recover it by restoring with targetDataSource set to that database "
                        + "(the restore recovers it first)");
            }
        };
    }
}
