package io.backupkit.core.internal;

/** Progress and cancellation, as both dumper contexts ({@link BackupDumpContext}, {@link DatabaseRestoreContext}) report them. */
abstract class ReportingContext {
    private final EngineContext context;
    private final OperationScope scope;

    ReportingContext(EngineContext context, OperationScope scope) {
        this.context = context;
        this.scope = scope;
    }

    public void addRows(long rows) {
        scope.tracker.rows(rows);
    }

    public void tableDone(String qualifiedName) {
        scope.tracker.tableDone();
    }

    public void checkCancelled() {
        context.ensureOpen();
        scope.checkCancelled();
    }

    public int parallelism() {
        return context.config.parallelism();
    }
}
