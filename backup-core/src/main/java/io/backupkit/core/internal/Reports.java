package io.backupkit.core.internal;

import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupStats;
import io.backupkit.api.HealthReport;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.StorageException;
import io.backupkit.api.UnfinishedRestore;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/** What an engine reports about its storage: the history (also as CSV), statistics and health. */
record Reports(EngineContext context, Catalogue catalogue, RecoveryOperation recovery) {
    List<OperationRecord> history(HistoryQuery query) {
        context.ensureOpen();
        return context.history.query(query);
    }

    void historyCsv(HistoryQuery query, Writer out) {
        try {
            HistoryCsv.write(history(query), out);
        } catch (IOException e) {
            throw new StorageException("could not write the history CSV: " + e.getMessage(), false, e);
        }
    }

    BackupStats stats() {
        return CatalogReports.stats(catalogue.list(BackupQuery.all()), backupRuns());
    }

    /** Never throws for an unreachable storage: that is a problem the report names. */
    HealthReport health() {
        List<BackupInfo> backups;
        List<OperationRecord> runs;
        try {
            backups = catalogue.list(BackupQuery.all());
            runs = backupRuns();
        } catch (RuntimeException e) {
            return new HealthReport(context.config.clock().instant(), List.of(new HealthReport.Problem(
                    HealthReport.Kind.STORAGE_UNREACHABLE, "the storage " + context.storage.description() + " cannot be read: "
                    + e.getMessage())));
        }
        HealthReport report = CatalogReports.health(backups, runs, context.config.healthPolicy(),
                context.config.clock().instant(), context.storage.description());
        List<HealthReport.Problem> problems = new ArrayList<>(report.problems());
        for (UnfinishedRestore u : recovery.unfinished()) {
            if (!u.running()) {
                problems.add(new HealthReport.Problem(HealthReport.Kind.UNFINISHED_RESTORE, "restore " + u.operationId()
                        + " of " + u.backupId() + " (started " + u.startedAt() + " on " + u.host() + ") stopped in phase "
                        + u.phase() + " before it finished; its targets " + u.targets() + " may be incomplete: run "
                        + "'backupkit recover' (BackupEngine.recover()) or the next restore to finish or undo it"));
            }
        }
        return new HealthReport(report.checkedAt(), problems);
    }

    private List<OperationRecord> backupRuns() {
        return context.history.query(HistoryQuery.all().withOperation(Operation.BACKUP));
    }
}
