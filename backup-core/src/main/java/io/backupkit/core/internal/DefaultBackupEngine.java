package io.backupkit.core.internal;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupPart;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupStats;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.HealthReport;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Job;
import io.backupkit.api.JobInfo;
import io.backupkit.api.Manifest;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionRules;
import io.backupkit.api.UnfinishedRestore;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.spi.StorageProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine behind {@code BackupKit.builder().build()}: a facade that runs each call through the
 * {@link OperationRunner} (history, events, lock, jobs) with the class that does that operation: {@link BackupOperation},
 * {@link RestoreOperation} (safety backup and rollback), {@link Catalogue}, {@link ExportImport},
 * {@link RetentionOperation}, {@link RecoveryOperation} and {@link Reports}. They share one {@link EngineContext}.
 */
public final class DefaultBackupEngine implements BackupEngine {
    private static final String UNKNOWN_ACTOR = "unknown";

    private final EngineContext context;
    private final OperationRunner runner;
    private final BackupOperation backups;
    private final RestoreOperation restores;
    private final Catalogue catalogue;
    private final ExportImport transfers;
    private final RetentionOperation retention;
    private final RecoveryOperation recovery;
    private final Reports reports;
    /** Who the operations of this view are recorded as when a request names nobody; null: "unknown". */
    private final String actor;

    public DefaultBackupEngine(EngineConfig config) {
        this.context = new EngineContext(config);
        this.runner = new OperationRunner(context);
        this.backups = new BackupOperation(context);
        this.catalogue = new Catalogue(context);
        this.restores = new RestoreOperation(context, runner, catalogue, backups);
        this.transfers = new ExportImport(context, catalogue);
        this.retention = new RetentionOperation(context, catalogue);
        this.recovery = restores.recovery();
        this.reports = new Reports(context, catalogue, recovery);
        this.actor = null;
        config.dataSource().ifPresent(ds -> LoginTimeout.apply(ds, config.connectTimeout()));
    }

    /** A view of {@code engine} that records its operations as {@code actor}. */
    private DefaultBackupEngine(DefaultBackupEngine engine, String actor) {
        this.context = engine.context;
        this.runner = engine.runner;
        this.backups = engine.backups;
        this.restores = engine.restores;
        this.catalogue = engine.catalogue;
        this.transfers = engine.transfers;
        this.retention = engine.retention;
        this.recovery = engine.recovery;
        this.reports = engine.reports;
        this.actor = actor;
    }

    @Override
    public BackupEngine withActor(String actor) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank: give a user name or a role such as \"scheduler\"");
        }
        return new DefaultBackupEngine(this, actor.strip());
    }

    /** What the operation classes and {@code BackupScheduler} share with this engine. */
    EngineContext context() {
        return context;
    }

    /** The storage as installed, inside the retry and logging wrappers (for tests that check the wrapping). */
    public StorageProvider storage() {
        return context.storage;
    }

    // ---------------------------------------------------------------- backup and restore

    @Override
    public BackupResult backup(BackupRequest request) {
        BackupOperation.Prepared p = backups.prepare(request);
        return runner.run(scope(Operation.BACKUP, request.actor(), Optional.of(p.id())), sc -> backups.take(sc, p));
    }

    @Override
    public Job<BackupResult> startBackup(BackupRequest request) {
        BackupOperation.Prepared p = backups.prepare(request);
        return runner.submit(scope(Operation.BACKUP, request.actor(), Optional.of(p.id())), sc -> backups.take(sc, p));
    }

    @Override
    public RestoreResult restore(RestoreRequest request) {
        return runner.run(scope(Operation.RESTORE, request.actor(), Optional.of(request.backupId())),
                sc -> restores.restore(sc, request));
    }

    @Override
    public Job<RestoreResult> startRestore(RestoreRequest request) {
        return runner.submit(scope(Operation.RESTORE, request.actor(), Optional.of(request.backupId())),
                sc -> restores.restore(sc, request));
    }

    // ---------------------------------------------------------------- catalogue

    @Override
    public List<BackupInfo> list(BackupQuery query) {
        return catalogue.list(query);
    }

    @Override
    public Optional<BackupInfo> info(BackupId id) {
        return catalogue.info(id);
    }

    @Override
    public Optional<Manifest> find(BackupId id) {
        return catalogue.find(id);
    }

    @Override
    public void pin(BackupId id) {
        runOn(Operation.PIN, id, sc -> catalogue.pin(sc, id));
    }

    @Override
    public void unpin(BackupId id) {
        runOn(Operation.UNPIN, id, sc -> catalogue.unpin(id));
    }

    @Override
    public VerifyReport verify(BackupId id) {
        return runner.run(scope(Operation.VERIFY, UNKNOWN_ACTOR, Optional.of(id)), sc -> catalogue.verify(sc, id));
    }

    @Override
    public Job<VerifyReport> startVerify(BackupId id) {
        return runner.submit(scope(Operation.VERIFY, UNKNOWN_ACTOR, Optional.of(id)), sc -> catalogue.verify(sc, id));
    }

    @Override
    public void delete(BackupId id) {
        runOn(Operation.DELETE, id, sc -> catalogue.delete(sc, id));
    }

    @Override
    public List<String> interruptedBackups() {
        return catalogue.interruptedBackups();
    }

    @Override
    public CleanupResult cleanUpInterrupted() {
        return runner.run(scope(Operation.CLEANUP, UNKNOWN_ACTOR, Optional.empty()), catalogue::cleanUpInterrupted);
    }

    // ---------------------------------------------------------------- export / import, retention, recovery

    @Override
    public void exportBackup(BackupId id, OutputStream out) {
        runOn(Operation.EXPORT, id, sc -> transfers.exportBackup(sc, id, out));
    }

    @Override
    public void exportPart(BackupId id, BackupPart part, OutputStream out) {
        Objects.requireNonNull(part, "part");
        runOn(Operation.EXPORT, id, sc -> transfers.exportPart(sc, id, part, out));
    }

    @Override
    public Manifest importBackup(InputStream in) {
        return runner.run(scope(Operation.IMPORT, UNKNOWN_ACTOR, Optional.empty()), sc -> transfers.importBackup(sc, in));
    }

    @Override
    public RetentionPlan planRetention(RetentionRules rules) {
        return retention.plan(rules);
    }

    @Override
    public CleanupResult applyRetention(RetentionPlan plan) {
        return runner.run(scope(Operation.CLEANUP, UNKNOWN_ACTOR, Optional.empty()), sc -> retention.apply(sc, plan));
    }

    @Override
    public List<UnfinishedRestore> unfinishedRestores() {
        return recovery.unfinished();
    }

    @Override
    public RecoveryReport recover() {
        return runner.run(scope(Operation.RECOVER, UNKNOWN_ACTOR, Optional.empty()), recovery::recover);
    }

    // ---------------------------------------------------------------- jobs, history, stats, health

    @Override
    public Optional<Job<?>> job(String jobId) {
        return Optional.ofNullable(context.jobsById.get(jobId));
    }

    @Override
    public List<JobInfo> jobs(int recent) {
        if (recent < 0) {
            throw new IllegalArgumentException("recent must not be negative, was " + recent);
        }
        context.ensureOpen();
        return context.history.jobs(recent);
    }

    @Override
    public Optional<JobInfo> jobInfo(String operationId) {
        Objects.requireNonNull(operationId, "operationId");
        context.ensureOpen();
        return context.history.findJob(operationId.strip());
    }

    @Override
    public List<OperationRecord> history(HistoryQuery query) {
        return reports.history(query);
    }

    @Override
    public void exportHistoryCsv(HistoryQuery query, Writer out) {
        reports.historyCsv(query, out);
    }

    @Override
    public BackupStats stats() {
        return reports.stats();
    }

    @Override
    public HealthReport health() {
        return reports.health();
    }

    /** Runs an operation on one backup that returns nothing; these calls take no request, so no actor of their own. */
    private void runOn(Operation operation, BackupId id, VoidBody body) {
        runner.run(scope(operation, UNKNOWN_ACTOR, Optional.of(id)), sc -> {
            body.run(sc);
            return null;
        });
    }

    @FunctionalInterface
    private interface VoidBody {
        void run(OperationScope scope) throws Exception;
    }

    /** A top-level operation, recorded as the request's actor, else this view's, else "unknown". */
    private OperationScope scope(Operation operation, String requestedActor, Optional<BackupId> id) {
        String who = !UNKNOWN_ACTOR.equals(requestedActor) ? requestedActor : actor != null ? actor : UNKNOWN_ACTOR;
        return runner.scope(operation, who, id, null);
    }

    @Override
    public void close() {
        context.close();
    }

    @Override
    public String toString() {
        return "BackupEngine[" + context.storage.description() + "]";
    }
}
