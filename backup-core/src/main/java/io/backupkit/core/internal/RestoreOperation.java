package io.backupkit.core.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.FileSet;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.MergeConflictPolicy;
import io.backupkit.api.Operation;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreFailedException.TargetState;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.TableSelection;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.WriteFence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore: validate everything before touching anything, then (unless a dry run) a safety backup of exactly what
 * will be overwritten, the database, the files; when a step fails, {@link Run#rollback} puts back what was touched
 * from that safety backup. An intent record ({@link RestoreIntentRecorder}) makes a killed restore recoverable.
 */
record RestoreOperation(EngineContext context, OperationRunner runner, Catalogue catalogue, BackupOperation backups) {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreOperation.class);

    /**
     * The recovery of restores that stopped, which a restore runs first and which restores safety backups (it holds
     * no state of its own, so one made per call is the same as any other).
     */
    RecoveryOperation recovery() {
        return new RecoveryOperation(context, runner, this);
    }

    RestoreResult restore(OperationScope scope, RestoreRequest request) throws IOException {
        return new Run(request, scope).run();
    }

    /** One restore's state. */
    private final class Run {
        private final RestoreRequest request;
        private final OperationScope scope;
        private final Events.Tracker tracker;
        private final Manifest manifest;
        private final RestoreIntentRecorder intent;

        Run(RestoreRequest request, OperationScope scope) {
            this.request = request;
            this.scope = scope;
            this.tracker = scope.tracker;
            this.manifest = catalogue.require(request.backupId());
            this.intent = new RestoreIntentRecorder(context, scope);
            scope.options.put("mode", request.mode().name());
            if (request.mergeConflicts() != MergeConflictPolicy.FAIL) {
                scope.options.put("mergeConflicts", request.mergeConflicts().name());
            }
            scope.options.put("filesMode", request.filesMode().name());
            scope.options.put("tables", BackupOperation.describe(request.tables()));
            if (request.validateOnly()) {
                scope.options.put("validateOnly", "true");
            }
            if (!request.safetyBackup()) {
                scope.options.put("safetyBackup", "skipped");
            }
            request.schemaMapping().forEach((from, to) -> scope.options.put("schema " + from, to));
        }

        RestoreResult run() throws IOException {
            boolean doDb = request.database() && manifest.database().isPresent();
            boolean doFiles = request.files() && manifest.files().isPresent();
            if (!doDb && !doFiles) {
                throw new ConfigurationException("backup " + manifest.id() + " (" + manifest.type() + ") has no "
                        + (request.files() && !request.database() ? "files" : request.database() && !request.files()
                        ? "database" : "database or files") + " part to restore");
            }
            if (!request.database() || !request.files()) {
                if (request.database() && manifest.database().isEmpty()) {
                    throw new ConfigurationException("backup " + manifest.id() + " has no database part to restore");
                }
                if (request.files() && manifest.files().isEmpty()) {
                    throw new ConfigurationException("backup " + manifest.id() + " has no files part to restore");
                }
            }
            request.targetDataSource().ifPresent(ds -> LoginTimeout.apply(ds, context.config.connectTimeout()));
            DataSource target = NoProgressWatchdog.track(scope, doDb ? request.targetDataSource()
                    .or(context.config::dataSource).orElseThrow(() -> new ConfigurationException("backup " + manifest.id()
                            + " has a database part but no database to restore it into: configure dataSource(...) on the "
                            + "builder, or set targetDataSource on the request, or restore the files only")) : null);
            DatabaseDumper dumper = doDb ? context.dumperNamed(manifest.database().get().dumper()) : null;
            NoProgressWatchdog.askServer(scope, dumper, target);
            Map<String, Path> fileTargets = doFiles ? RestoreTargets.of(request, manifest) : Map.of();
            scope.target = (doDb ? manifest.database().get().url() + " (" + request.targetDataSource().map(d -> "other database")
                    .orElse("the application's database") + ")" : "") + (doDb && doFiles ? " + " : "")
                    + (doFiles ? fileTargets.values().toString() : "");
            if (!request.validateOnly()) {
                recovery().recoverUnfinished(scope, fileTargets.values(), request.targetDataSource());
            }

            // 1. Validate everything before touching anything.
            List<Manifest.StoredObject> needed = new ArrayList<>();
            if (doDb) {
                needed.addAll(manifest.objects().stream().filter(o -> o.path().startsWith("db/")).toList());
            }
            if (doFiles) {
                Manifest.FilesPart f = manifest.files().get();
                needed.add(manifest.object(f.archive()).orElseThrow());
                needed.add(manifest.object(f.index()).orElseThrow());
            }
            tracker.totalBytes(needed.stream().mapToLong(Manifest.StoredObject::storedSize).sum());
            for (Manifest.StoredObject o : needed) {
                scope.checkCancelled();
                VerifyReport.ObjectCheck check = VerifiedObjectStream.checkStored(context.storage, manifest.id(), o);
                if (check.status() != VerifyReport.CheckStatus.OK) {
                    context.statuses.update(manifest, s -> s.checked(context.statuses.now(), scope.actor, List.of(check)));
                    throw new IntegrityException("backup " + manifest.id() + " cannot be restored: " + check.detail()
                            + "; nothing was changed");
                }
                tracker.bytes(o.storedSize()); // verifying a large backup is progress too (the no-progress watchdog)
            }
            if (doFiles) {
                RestoreTargets.checkFreeSpace(manifest, fileTargets);
            }
            FilesRestorer filesRestorer = doFiles ? new FilesRestorer(fileTargets, request.filesMode(),
                    request.overwriteExisting(), tracker::files, () -> {
                        context.ensureOpen();
                        scope.checkCancelled();
                    }) : null;
            DatabaseRestoreContext.Settings asRequested = new DatabaseRestoreContext.Settings(request.mode(),
                    request.mergeConflicts(), request.tables(), request.schemaMapping());
            List<RestoreResult.TableChange> tablePreview = doDb
                    ? dumper.preview(restoreContext(manifest, target, asRequested)) : List.of();
            List<RestoreResult.FilesChange> filesPreview = List.of();
            if (doFiles) {
                try (InputStream index = open(manifest, manifest.files().get().index())) {
                    filesPreview = filesRestorer.preview(index);
                }
            }
            if (request.validateOnly()) {
                if (doFiles) {
                    // what the restore checks while extracting, the dry run checks without writing
                    Manifest.FilesPart f = manifest.files().get();
                    try (InputStream archive = open(manifest, f.archive()); InputStream index = open(manifest, f.index())) {
                        FilesRestorer.checkArchive(archive, index);
                    }
                }
                return new RestoreResult(manifest.id(), true, Optional.empty(), tablePreview, filesPreview, tracker.elapsed());
            }
            intent.start(manifest.id(), filesRestorer == null ? List.of() : filesRestorer.plan());

            // 2. Safety backup of exactly what will be overwritten; from the replaced tables after the swap where the
            // dumper swaps (database-only REPLACE), so that rows written during the load are in it.
            scope.checkCancelled();
            WriteFence fence = doDb ? fenceWrites(dumper, target, asRequested, tablePreview) : WriteFence.NONE;
            SafetyAfterSwap late;
            Optional<BackupId> safety;
            try {
                late = SafetyAfterSwap.of(dumper, doDb && !doFiles && request.safetyBackup()
                        && request.mode() == RestoreMode.REPLACE && dumper.safetyBackupAfterSwap(target), tablePreview,
                        with -> safetyBackup(target, tablePreview, Map.of(), Optional.of(with)));
                safety = request.safetyBackup() && !late.applies()
                        ? safetyBackup(target, tablePreview, fileTargets, Optional.empty()) : Optional.empty();
                scope.safetyBackup = safety;
                scope.checkCancelled();
            } catch (RuntimeException | Error e) {
                fence.close();
                throw e;
            }

            // 3. Restore; on failure, put back whatever was touched.
            List<RestoreResult.TableChange> tables = List.of();
            List<RestoreResult.FilesChange> files = List.of();
            boolean dbStarted = false;
            boolean dbDone = false;
            AtomicBoolean filesCommitting = new AtomicBoolean();
            try {
                if (doDb) {
                    intent.database(dumper, target, request.targetDataSource().isEmpty(), !request.safetyBackup(),
                            tablePreview);
                    dbStarted = true;
                    try {
                        tables = dumper.restore(new DatabaseRestoreContext(context, scope, manifest, target,
                                asRequested, (k, v) -> {
                                    late.record(k, v);
                                    intent.dumperData(k, v);
                                }, fence, late));
                    } finally {
                        fence.close();
                    }
                    dbDone = true;
                    intent.phase(RestoreIntent.Phase.DATABASE_DONE);
                }
                if (doFiles) {
                    intent.phase(RestoreIntent.Phase.FILES_STAGING);
                    Manifest.FilesPart f = manifest.files().get();
                    try (InputStream archive = open(manifest, f.archive()); InputStream index = open(manifest, f.index());
                         InputStream indexForCounts = open(manifest, f.index())) {
                        files = filesRestorer.restore(archive, index, indexForCounts, () -> {
                            intent.phase(RestoreIntent.Phase.FILES_COMMITTING);
                            filesCommitting.set(true);
                        });
                    }
                }
                intent.phase(RestoreIntent.Phase.DONE);
            } catch (RuntimeException | IOException | Error e) {
                fence.close(); // before any rollback, which needs the tables the fence holds
                BackupException failure = OperationFailures.translate(e, "restore of " + manifest.id() + " failed",
                        Operation.RESTORE);
                if (dbStarted && !dbDone && late.applies() && late.taken().isEmpty()) {
                    throw late.undo(failure, target, scope, intent::keepForRecovery);
                }
                boolean dbRolledBackByTransaction = dbStarted && !dbDone && dumper.restoresAtomically(target);
                boolean dbNeedsRollback = dbStarted && !dbRolledBackByTransaction;
                throw rollback(failure, safety.or(late::taken), dbNeedsRollback, dbRolledBackByTransaction, filesCommitting.get(),
                        target, dumper, tablePreview, fileTargets);
            }
            LOG.info("Restored backup {}: {} tables, {} file roots", manifest.id(), tables.size(), files.size());
            context.statuses.update(manifest, s -> s.restored(context.statuses.now()));
            return new RestoreResult(manifest.id(), false, safety.or(late::taken), tables, files, tracker.elapsed());
        }

        /**
         * How a restore rolls back: puts the touched parts of the target back as they were before the restore, from
         * the safety backup (the tables the restore created are dropped, the directories it created removed), and
         * says how that went. A database restored in one transaction that failed was rolled back by the database.
         */
        private RestoreFailedException rollback(BackupException failure, Optional<BackupId> safety, boolean db,
                                                boolean dbByTransaction, boolean files, DataSource target,
                                                DatabaseDumper dumper, List<RestoreResult.TableChange> tablePreview,
                                                Map<String, Path> fileTargets) {
            String what = failure.getMessage();
            if (!db && !files) {
                TargetState state = dbByTransaction ? TargetState.ROLLED_BACK : TargetState.UNCHANGED;
                if (dbByTransaction) {
                    scope.status = BackupStatus.ROLLED_BACK;
                }
                return new RestoreFailedException(what + (dbByTransaction ? "; the database transaction was rolled back, "
                        + "the target is as it was" : "; nothing was changed"), state, safety, failure);
            }
            if (safety.isEmpty()) {
                return new RestoreFailedException(what + "; the target may be partly restored and no safety backup was "
                        + "taken (it was skipped or there was nothing to save): restore again, or restore an older backup",
                        TargetState.PARTIALLY_RESTORED, safety, failure);
            }
            LOG.warn("Restore of {} failed ({}); putting the target back from safety backup {}", manifest.id(), what, safety.get());
            try {
                Manifest saved = catalogue.require(safety.get());
                if (db) {
                    List<String> created = tablePreview.stream().filter(t -> t.rowsBefore() < 0)
                            .map(RestoreResult.TableChange::table).toList();
                    if (!created.isEmpty()) {
                        dumper.dropTables(target, created);
                    }
                    if (saved.database().isPresent()) {
                        context.dumperNamed(saved.database().get().dumper()).restore(restoreContext(saved, target,
                                new DatabaseRestoreContext.Settings(RestoreMode.REPLACE, request.mergeConflicts(),
                                        TableSelection.ALL, Map.of())));
                    }
                }
                if (files) {
                    putFilesBack(saved, fileTargets);
                }
            } catch (RuntimeException | IOException | Error rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
                LOG.error("Putting the target back from safety backup {} failed too", safety.get(), rollbackFailure);
                intent.keepForRecovery();
                return new RestoreFailedException(what + "; putting the target back from safety backup " + safety.get()
                        + " failed too (" + rollbackFailure.getMessage() + "): restore " + safety.get() + " by hand",
                        TargetState.ROLLBACK_FAILED, safety, failure);
            }
            scope.status = BackupStatus.ROLLED_BACK;
            return new RestoreFailedException(what + "; the target was put back as it was from safety backup " + safety.get(),
                    TargetState.ROLLED_BACK, safety, failure);
        }

        /** The file roots as the safety backup saved them; a root it has no copy of did not exist: it is removed. */
        private void putFilesBack(Manifest saved, Map<String, Path> fileTargets) throws IOException {
            Map<String, Path> savedTargets = new LinkedHashMap<>();
            for (var e : fileTargets.entrySet()) {
                boolean existed = saved.files().map(f -> f.roots().stream().anyMatch(r -> r.name().equals(e.getKey())))
                        .orElse(false);
                if (existed) {
                    savedTargets.put(e.getKey(), e.getValue());
                } else {
                    FileTrees.delete(e.getValue()); // it did not exist before the restore
                }
            }
            if (!savedTargets.isEmpty()) {
                Manifest.FilesPart f = saved.files().get();
                FilesRestorer back = new FilesRestorer(savedTargets, FileRestoreMode.REPLACE, true, n -> { }, () -> { });
                try (InputStream archive = open(saved, f.archive()); InputStream index = open(saved, f.index());
                     InputStream counts = open(saved, f.index())) {
                    back.restore(archive, index, counts);
                }
            }
        }

        /** A backup of the tables and directories the restore will overwrite, taken as a nested operation. */
        private Optional<BackupId> safetyBackup(DataSource target, List<RestoreResult.TableChange> tablePreview,
                                                Map<String, Path> fileTargets, Optional<DatabaseDumper> dumpWith) {
            List<String> existingTables = tablePreview.stream().filter(t -> t.rowsBefore() >= 0)
                    .map(RestoreResult.TableChange::table).toList();
            FileSet.Builder fsb = FileSet.builder();
            boolean anyDir = false;
            for (var e : fileTargets.entrySet()) {
                if (Files.isDirectory(e.getValue())) {
                    fsb.root(e.getKey(), e.getValue());
                    anyDir = true;
                }
            }
            boolean db = target != null && !existingTables.isEmpty();
            if (!db && !anyDir) {
                return Optional.empty();
            }
            BackupOperation.Prepared p = new BackupOperation.Prepared(backups.newId(BackupType.SAFETY), BackupType.SAFETY,
                    // the source's id stays out of the name, so that 'list --name full' does not match safety backups
                    "before restore",
                    "taken automatically before restoring " + manifest.id() + " (actor: " + scope.actor + ")",
                    Set.of("safety"), db ? Optional.of(target) : Optional.empty(),
                    new TableSelection(existingTables, List.of()), anyDir ? Optional.of(fsb.build()) : Optional.empty(),
                    // what the safety backup lacks is in its manifest; refusing it would make every restore impossible
                    context.config.compression(), true, "safety backup of " + manifest.id());
            intent.safetyBackup(p.id());
            BackupResult r = runner.run(runner.scope(Operation.BACKUP, scope.actor, Optional.of(p.id()), scope),
                    sc -> backups.take(sc, p, dumpWith));
            LOG.info("Safety backup {} taken {} restoring {}", r.id(), dumpWith.isPresent() ? "(after the swap) while"
                    : "before", manifest.id());
            scope.safetyBackup = Optional.of(r.id());
            return Optional.of(r.id());
        }

        private DatabaseRestoreContext restoreContext(Manifest source, DataSource target,
                                                      DatabaseRestoreContext.Settings settings) {
            return restoreContext(source, target, settings, WriteFence.NONE);
        }

        private DatabaseRestoreContext restoreContext(Manifest source, DataSource target,
                                                      DatabaseRestoreContext.Settings settings, WriteFence fence) {
            return new DatabaseRestoreContext(context, scope, source, target, settings, intent::dumperData, fence,
                    SafetyAfterSwap.NONE);
        }

        /**
         * Issue 13: writes to the tables the restore replaces are held back from before the safety backup's snapshot
         * until the restore's commit ({@link DatabaseDumper#fenceWrites}), so that no committed row goes to a table
         * the restore then drops: each is in the safety backup or, written after the commit, in the restored table.
         * Without a safety backup there is nothing to keep them in, and nothing is held back.
         */
        private WriteFence fenceWrites(DatabaseDumper dumper, DataSource target, DatabaseRestoreContext.Settings settings,
                                       List<RestoreResult.TableChange> tablePreview) {
            List<String> replaced = tablePreview.stream().filter(t -> t.rowsBefore() >= 0)
                    .map(RestoreResult.TableChange::table).toList();
            return !request.safetyBackup() || replaced.isEmpty() ? WriteFence.NONE
                    : dumper.fenceWrites(restoreContext(manifest, target, settings), replaced);
        }

        private InputStream open(Manifest m, String path) {
            return VerifiedObjectStream.open(context.storage, m, path);
        }
    }
}
