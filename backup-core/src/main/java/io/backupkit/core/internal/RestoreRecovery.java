package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.RecoveryReport.Outcome;
import io.backupkit.api.UnfinishedRestore;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.StorageProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds restores that stopped before they finished (their intent record is still there, {@link RestoreIntent}) and
 * completes or rolls them back from the record alone, then records the outcome in the restore's history record.
 *
 * <p>Who may act: only a caller that holds the storage-wide operation lock (restore and recover). Holding it proves
 * the crashed restore's lease lapsed or was taken over from a dead holder, so it is not running; as a second guard,
 * a restore whose process is still alive on this machine, or which runs in this engine, is never touched.
 *
 * <p>What it does, by the phase the restore reached:
 * <ul>
 *   <li>before the database or a commit of files (STARTED, SAFETY_BACKUP, FILES_STAGING of a files-only restore):
 *       nothing was changed; staging directories and a partial safety backup are removed: UNCHANGED;</li>
 *   <li>DATABASE: a one-transaction restore was rolled back by the server when the connection died, and the dumper
 *       removes what it staged: UNCHANGED (unless the dumper knows its transaction committed just before the kill:
 *       as DATABASE_DONE); any other is put back from the safety backup: ROLLED_BACK;</li>
 *   <li>DATABASE_DONE / FILES_STAGING: the database holds the backup; a database-only restore is finished:
 *       COMPLETED; with files, which do not hold it yet, the database is put back from the safety backup and the
 *       staging removed: ROLLED_BACK;</li>
 *   <li>FILES_COMMITTING: every staged file was verified, so the swap or merge is finished: COMPLETED;</li>
 *   <li>DONE: only the bookkeeping is finished: COMPLETED.</li>
 * </ul>
 */
final class RestoreRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreRecovery.class);

    /** The database side of the way back, which needs the engine's dumpers and data sources. */
    public interface DatabaseWayBack {
        /** Drops the created tables and restores the database part of the safety backup (REPLACE). */
        void restoreSafetyBackup(RestoreIntent intent, RestoreIntent.DatabaseIntent db, BackupId safety) throws Exception;

        /** Drops the tables the restore created (there was nothing to save before it). */
        void dropCreatedTables(RestoreIntent intent, RestoreIntent.DatabaseIntent db) throws Exception;

        /** Lets the dumper remove what a killed restore of its own left (staging schemas, ...). */
        void cleanUpAfterKill(RestoreIntent intent, RestoreIntent.DatabaseIntent db) throws Exception;

        /** A staged swap's own recovery ({@code DatabaseDumper#recoverSwapAfterKill}); empty when it recorded none. */
        Optional<Outcome> recoverSwap(RestoreIntent intent, RestoreIntent.DatabaseIntent db) throws Exception;

        /** The dumper's word on whether a killed one-transaction restore committed ({@code DatabaseDumper#committedBeforeKill}). */
        Optional<Boolean> committedBeforeKill(RestoreIntent intent, RestoreIntent.DatabaseIntent db) throws Exception;
    }

    private final StorageProvider storage;
    private final RestoreJournal journal;
    private final HistoryLog history;
    private final Clock clock;
    private final Predicate<String> runningHere;

    public RestoreRecovery(StorageProvider storage, HistoryLog history, Clock clock, Predicate<String> runningHere) {
        this.storage = storage;
        this.journal = new RestoreJournal(storage);
        this.history = history;
        this.clock = clock;
        this.runningHere = runningHere;
    }

    /** Every restore with an intent record, marked running where its lease is live or its process is alive here. */
    public List<UnfinishedRestore> unfinished(boolean lockEnabled) {
        Optional<LeaseRecord> lease = lockEnabled ? StorageLease.builder(storage, "operations").build().current()
                : Optional.empty();
        List<UnfinishedRestore> out = new ArrayList<>();
        for (RestoreIntent i : journal.list()) {
            boolean leaseLive = lease.filter(l -> l.holder().equals(i.operationId()) && !l.expiredAt(clock.instant()))
                    .isPresent();
            boolean running = !provablyDeadHere(i) && (leaseLive || !lockEnabled || aliveHere(i));
            out.add(describe(i, running));
        }
        return out;
    }

    /**
     * Recovers every unfinished restore of this storage. The caller holds the storage lock.
     *
     * @param recoveryId the operation id of the recovering operation, written into each recovered history record
     */
    public RecoveryReport recoverAll(String recoveryId, boolean lockHeld, DatabaseWayBack db) {
        List<RecoveryReport.Recovered> out = new ArrayList<>();
        for (RestoreIntent i : journal.list()) {
            out.add(recover(i, recoveryId, lockHeld, db, true));
        }
        return new RecoveryReport(out);
    }

    /**
     * Finishes or undoes the restore of a file target recorded beside it by a restore whose record is not in this
     * storage (another storage, or a storage that cannot be reached): only the swap itself is recovered there.
     */
    public Optional<RecoveryReport.Recovered> recoverBeside(Path target, String recoveryId, boolean lockHeld,
                                                            DatabaseWayBack db) {
        Optional<RestoreIntent> beside = RestoreJournal.besideTarget(target);
        if (beside.isEmpty()) {
            return Optional.empty();
        }
        boolean inThisStorage = journal.list().stream().anyMatch(i -> i.operationId().equals(beside.get().operationId()));
        return Optional.of(recover(beside.get(), recoveryId, lockHeld, db, inThisStorage));
    }

    private RecoveryReport.Recovered recover(RestoreIntent i, String recoveryId, boolean lockHeld, DatabaseWayBack db,
                                             boolean recordInStorage) {
        if (runningHere.test(i.operationId()) || aliveHere(i) || !lockHeld && !provablyDeadHere(i)) {
            String why = runningHere.test(i.operationId()) || aliveHere(i)
                    ? "its process (pid " + i.pid() + ") is still running on this machine"
                    : "its storage lock is not held by this recovery, so it may still be running on " + i.host();
            return new RecoveryReport.Recovered(describe(i, true), Outcome.SKIPPED, "left alone: " + why);
        }
        LOG.warn("Recovering restore {} of {} that stopped in phase {} (host {}, pid {})", i.operationId(), i.backupId(),
                i.phase(), i.host(), i.pid());
        Outcome outcome;
        String message;
        try {
            Map.Entry<Outcome, String> done = act(i, db);
            outcome = done.getKey();
            message = done.getValue();
        } catch (Exception | Error e) {
            LOG.error("Recovering restore {} failed; its intent record stays for the next attempt", i.operationId(), e);
            return new RecoveryReport.Recovered(describe(i, false), Outcome.SKIPPED, "recovery failed: " + e.getMessage()
                    + "; the restore's intent record stays, run recover again once the cause is fixed");
        }
        if (recordInStorage) {
            removePartialSafetyBackup(i);
            recordOutcome(i, outcome, message, recoveryId);
            journal.remove(i);
        } else {
            i.files().forEach(f -> RestoreJournal.removeBeside(Path.of(f.target()), i.operationId()));
        }
        LOG.info("Restore {}: {} ({})", i.operationId(), outcome, message);
        return new RecoveryReport.Recovered(describe(i, false), outcome, message);
    }

    private Map.Entry<Outcome, String> act(RestoreIntent i, DatabaseWayBack db) throws Exception {
        Optional<RestoreIntent.DatabaseIntent> d = i.database();
        switch (i.phase()) {
            case STARTED, SAFETY_BACKUP -> {
                i.files().forEach(FilesCommit::discardStage);
                return Map.entry(Outcome.UNCHANGED, "interrupted before it changed anything (phase " + i.phase()
                        + "); nothing to undo");
            }
            case DATABASE -> {
                i.files().forEach(FilesCommit::discardStage);
                if (d.isPresent() && d.get().atomic()) {
                    if (db.committedBeforeKill(i, d.get()).orElse(false)) {
                        return databaseDone(i, db, "interrupted just after the database restore's transaction committed");
                    }
                    db.cleanUpAfterKill(i, d.get());
                    return Map.entry(Outcome.UNCHANGED, "interrupted during the database restore, which is one transaction: "
                            + "the server rolled it back; the database is as it was");
                }
                Optional<Outcome> swap = d.isPresent() ? db.recoverSwap(i, d.get()) : Optional.empty();
                if (swap.isPresent()) {
                    return Map.entry(swap.get(), switch (swap.get()) {
                        case UNCHANGED -> "interrupted during the database restore, before its staged tables were swapped "
                                + "in: they were dropped; the database is as it was";
                        case ROLLED_BACK -> "interrupted after the staged tables were swapped in, before the safety backup "
                                + "was complete: the swap was undone, the replaced tables are back as they were";
                        default -> "interrupted after the swap and the safety backup: the restore was finished (foreign "
                                + "keys, routines, triggers, events and views created); the database holds backup "
                                + i.backupId();
                    });
                }
                return rollBackDatabase(i, db, "interrupted during the database restore");
            }
            case DATABASE_DONE, FILES_STAGING -> {
                i.files().forEach(FilesCommit::discardStage);
                if (d.isPresent()) {
                    return databaseDone(i, db, "interrupted after the database part");
                }
                return Map.entry(Outcome.UNCHANGED, "interrupted while the files were being extracted and verified beside "
                        + "the target; the target was not touched");
            }
            case FILES_COMMITTING -> {
                for (RestoreIntent.FilesIntent f : i.files()) {
                    FilesCommit.finishCommit(f);
                }
                return Map.entry(Outcome.COMPLETED, "interrupted while the verified files were being swapped in; the swap "
                        + "was finished, the target holds backup " + i.backupId());
            }
            case DONE -> {
                for (RestoreIntent.FilesIntent f : i.files()) {
                    FilesCommit.finishCommit(f);
                }
                return Map.entry(Outcome.COMPLETED, "interrupted after it had finished; only its records were completed");
            }
            default -> throw new IllegalStateException("unknown restore phase " + i.phase());
        }
    }

    /**
     * The database holds the backup: a database-only restore is finished; with files, which were not swapped in, the
     * database is put back so that database and files match again.
     */
    private Map.Entry<Outcome, String> databaseDone(RestoreIntent i, DatabaseWayBack db, String what) throws Exception {
        if (i.files().isEmpty()) {
            return Map.entry(Outcome.COMPLETED, what + ", which was all it had to do; the database holds backup "
                    + i.backupId());
        }
        db.cleanUpAfterKill(i, i.database().orElseThrow());
        return rollBackDatabase(i, db, what + ", before the files were swapped in");
    }

    private Map.Entry<Outcome, String> rollBackDatabase(RestoreIntent i, DatabaseWayBack db, String what) throws Exception {
        RestoreIntent.DatabaseIntent d = i.database().orElseThrow();
        Optional<BackupId> safety = i.safetyBackup().map(BackupId::of)
                .filter(id -> storage.stat(Layout.manifestKey(id)).isPresent());
        if (safety.isPresent()) {
            db.restoreSafetyBackup(i, d, safety.get());
            return Map.entry(Outcome.ROLLED_BACK, what + "; the database was put back from safety backup " + safety.get());
        }
        if (!d.safetySkipped()) {
            db.dropCreatedTables(i, d);
            return Map.entry(Outcome.ROLLED_BACK, what + "; none of its tables existed before, they were dropped");
        }
        return Map.entry(Outcome.LEFT_PARTIAL, what + " without a safety backup (it was skipped): the database may be "
                + "partly restored; restore " + i.backupId() + " again, or an older backup");
    }

    /** A safety backup whose manifest was never written is an interrupted backup: removed, its history closed. */
    private void removePartialSafetyBackup(RestoreIntent i) {
        if (i.safetyBackup().isEmpty()) {
            return;
        }
        BackupId id = BackupId.of(i.safetyBackup().get());
        if (storage.stat(Layout.manifestKey(id)).isPresent()) {
            return;
        }
        List<String> keys;
        try (Stream<BlobInfo> s = storage.list(Layout.folder(id))) {
            keys = s.map(BlobInfo::key).toList();
        }
        keys.forEach(storage::delete);
        for (OperationRecord r : history.query(HistoryQuery.all().withOperation(Operation.BACKUP)
                .withStatus(BackupStatus.RUNNING))) {
            if (r.backupId().filter(id::equals).isPresent()) {
                history.write(new OperationRecord(r.id(), r.operation(), BackupStatus.FAILED, r.backupId(), r.actor(),
                        r.startedAt(), Optional.of(clock.instant()), r.target(), r.options(),
                        Optional.of("interrupted: the restore it was taken for stopped; its " + keys.size()
                                + " objects were removed by recovery"), r.safetyBackup(), r.host()));
            }
        }
    }

    private void recordOutcome(RestoreIntent i, Outcome outcome, String message, String recoveryId) {
        BackupStatus status = switch (outcome) {
            case COMPLETED -> BackupStatus.COMPLETED;
            case ROLLED_BACK -> BackupStatus.ROLLED_BACK;
            default -> BackupStatus.FAILED;
        };
        Optional<OperationRecord> was = history.find(i.operationId());
        Map<String, String> options = new LinkedHashMap<>(was.map(OperationRecord::options).orElse(Map.of()));
        options.put("recoveredBy", recoveryId);
        options.put("recovery", outcome.name());
        history.write(new OperationRecord(i.operationId(), Operation.RESTORE, status, Optional.of(BackupId.of(i.backupId())),
                i.actor() == null ? "unknown" : i.actor(), was.map(OperationRecord::startedAt).orElse(i.startedAt()),
                Optional.of(clock.instant()), was.map(OperationRecord::target).orElse(String.join(", ", targets(i))),
                options, Optional.of("process stopped; recovered by " + recoveryId + ": " + message),
                i.safetyBackup().map(BackupId::of), was.map(OperationRecord::host).orElse(i.host())));
    }

    private static UnfinishedRestore describe(RestoreIntent i, boolean running) {
        return new UnfinishedRestore(i.operationId(), BackupId.of(i.backupId()), i.startedAt(), i.host(), i.phase().name(),
                i.safetyBackup().map(BackupId::of), targets(i), running);
    }

    private static List<String> targets(RestoreIntent i) {
        List<String> t = new ArrayList<>();
        i.database().ifPresent(d -> t.add(d.url()));
        i.files().forEach(f -> t.add(f.target()));
        return t;
    }

    private static boolean aliveHere(RestoreIntent i) {
        return HostIdentity.local().aliveHere(i.host(), i.pid(), i.processStart());
    }

    private static boolean provablyDeadHere(RestoreIntent i) {
        return HostIdentity.local().provablyDead(i.host(), i.pid(), i.processStart());
    }

}
