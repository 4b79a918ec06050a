package io.backupkit.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Backup and restore of one application's database and media files on one storage. Build one with
 * {@code io.backupkit.core.BackupKit.builder()}; it is immutable, thread-safe, and meant to live as long as
 * the application. Every method throws a {@link BackupException} subclass on failure, and a failed
 * operation never leaves a backup that looks complete.
 */
public interface BackupEngine extends AutoCloseable {

    /**
     * Takes a backup. Objects are streamed to storage as they are produced; the manifest is written last,
     * so the backup appears in {@link #list} only once it is complete.
     */
    BackupResult backup(BackupRequest request);

    /** Shortcut for {@code backup(BackupRequest.of(type))}. */
    default BackupResult backup(BackupType type) {
        return backup(BackupRequest.of(type));
    }

    /** Complete backups matching the query, newest first. Reads the catalogue from storage. */
    List<BackupInfo> list(BackupQuery query);

    /** Every complete backup, newest first. */
    default List<BackupInfo> list() {
        return list(BackupQuery.all());
    }

    /** The catalogue line of one backup (with its state and pin), or empty when there is none with this id. */
    default Optional<BackupInfo> info(BackupId id) {
        return list().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** The manifest of a backup, or empty when there is none with this id. */
    Optional<Manifest> find(BackupId id);

    /** Re-reads every object of a backup and checks its size and SHA-256 against the manifest. */
    VerifyReport verify(BackupId id);

    /**
     * Deletes a backup: the manifest first (so it disappears from the catalogue at once), then its objects.
     *
     * @throws BackupNotFoundException when there is no such backup
     */
    void delete(BackupId id);

    /**
     * Pins a backup: retention never deletes it (an explicit {@link #delete} still does). Idempotent.
     *
     * @throws BackupNotFoundException when there is no such backup
     */
    void pin(BackupId id);

    /** Removes a pin; does nothing if the backup was not pinned. */
    void unpin(BackupId id);

    /**
     * Streams a whole backup as one portable tar file (manifest first, then every object as stored), which
     * {@link #importBackup} accepts and {@code tar}/{@code zstd} can open. Does not close {@code out}.
     */
    void exportBackup(BackupId id, OutputStream out);

    /** Exports a backup into a file, written atomically (temporary name, then rename). */
    default void exportBackup(BackupId id, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            exportBackup(id, out);
        } catch (IOException e) {
            throw new StorageException("could not write export file " + tmp + ": " + e.getMessage(), false, e);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("could not rename " + tmp + " to " + file + ": " + e.getMessage(), false,
                    new UncheckedIOException(e));
        }
    }

    /**
     * Streams one part of a backup ("database only", "files only") as a portable tar in the layout of
     * {@link #exportBackup}: first a manifest describing only that part (same id, name, notes and tags; type
     * {@link BackupType#DATABASE} or {@link BackupType#FILES}), then that part's objects as stored. The result is a
     * backup of its own that {@link #importBackup} accepts (into a storage that does not hold the original, since the
     * id is kept). Does not close {@code out}.
     *
     * @throws BackupNotFoundException when there is no such backup, or it has no such part
     */
    void exportPart(BackupId id, BackupPart part, OutputStream out);

    /**
     * Imports a file made by {@link #exportBackup}. Everything is validated (manifest, every object's size and
     * SHA-256, safe paths, size limits) before the backup is registered; on any failure the storage is left
     * as it was and an {@link InvalidArchiveException} says what was wrong.
     *
     * @return the manifest of the imported backup, which keeps its original id
     */
    Manifest importBackup(InputStream in);

    /** Imports a backup from a file; see {@link #importBackup(InputStream)}. */
    default Manifest importBackup(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return importBackup(in);
        } catch (IOException e) {
            throw new InvalidArchiveException("could not read import file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores a backup. Every object is verified before the target is touched; a backup that fails
     * verification is never restored.
     */
    RestoreResult restore(RestoreRequest request);

    /**
     * Removes the leftovers of interrupted backups (folders without a manifest) that are not being written
     * by this engine right now.
     */
    CleanupResult cleanUpInterrupted();

    /**
     * What {@link #cleanUpInterrupted()} would remove now, deleting nothing: the ids of the folders without a manifest
     * that no backup of this engine is writing. The dry run of the clean-up.
     */
    List<String> interruptedBackups();

    // ------------------------------------------------------------------ retention

    /**
     * What the rules would keep and delete now, with the reason for each backup (restic {@code forget} semantics;
     * pinned backups and the newest successful backup are always kept). Deletes nothing: this is the dry run.
     */
    RetentionPlan planRetention(RetentionRules rules);

    /**
     * Deletes exactly the backups the plan lists for deletion (skipping any pinned since the plan was made, and any
     * already gone), and records the clean-up in the history.
     */
    CleanupResult applyRetention(RetentionPlan plan);

    /** Plans and applies in one step: {@code applyRetention(planRetention(rules))}. */
    default CleanupResult cleanup(RetentionRules rules) {
        return applyRetention(planRetention(rules));
    }

    // ------------------------------------------------------------------ background jobs

    /**
     * Restores that stopped before they finished (their process was killed or lost the storage lock) and are not yet
     * recovered, oldest first. Read-only: safe to call at any time; a restore that is still running is listed with
     * {@code running = true}.
     */
    List<UnfinishedRestore> unfinishedRestores();

    /**
     * Completes or rolls back every unfinished restore on this storage (see docs/ARCHITECTURE.md, "Crash safety"):
     * a restore that had not touched its target is closed as failed, a files swap that was under way is finished or
     * undone, and a database that was being changed by a non-transactional restore is put back from its safety
     * backup. Each outcome is recorded in the restore's history record. Holds the storage lock, so a restore that is
     * still running (it holds the lock) is never touched: this fails with a {@link ConflictException} instead. The
     * next {@link #restore} does the same before it starts.
     */
    RecoveryReport recover();

    /** Starts a backup in the background; see {@link #backup(BackupRequest)}. */
    Job<BackupResult> startBackup(BackupRequest request);

    /** Starts a restore in the background; see {@link #restore(RestoreRequest)}. */
    Job<RestoreResult> startRestore(RestoreRequest request);

    /** Starts a verification in the background; see {@link #verify(BackupId)}. */
    Job<VerifyReport> startVerify(BackupId id);

    /** A job started by this engine (running, or among the recently finished ones). */
    Optional<Job<?>> job(String jobId);

    /**
     * The running and most recent operations of this storage, newest first, from its history: every instance
     * sharing the storage sees the same list, with the progress a running one last recorded.
     *
     * @param recent how many finished operations to include besides the running ones (0 for running ones only)
     */
    List<JobInfo> jobs(int recent);

    /** One operation of this storage by its id (the job id), running or finished, from the history. */
    Optional<JobInfo> jobInfo(String operationId);

    // ------------------------------------------------------------------ history, stats, health

    /**
     * The history of operations on this storage (by every instance that uses it), newest first: backups,
     * restores, verifications, deletions, imports, exports and clean-ups with who, when, what, how it ended.
     */
    List<OperationRecord> history(HistoryQuery query);

    /**
     * Writes the history as CSV (RFC 4180: a header line, fields with commas, quotes or line breaks quoted).
     * A field that starts with {@code = + - @}, a tab or a carriage return gets a leading {@code '}, so that a
     * spreadsheet shows it instead of running it as a formula. Does not close {@code out}.
     */
    void exportHistoryCsv(HistoryQuery query, java.io.Writer out);

    /** Counts, sizes and durations for a dashboard. */
    BackupStats stats();

    /** Problems a monitor should alert on, per the engine's {@link HealthPolicy}. Never throws for a storage failure: reports it. */
    HealthReport health();

    /**
     * A view of this engine that records {@code actor} (a user name, "scheduler") as who asked, in the history of
     * every operation whose request does not name one. Shares everything else with this engine.
     */
    BackupEngine withActor(String actor);

    /** Releases the storage and thread pools. Operations in progress are not interrupted. */
    @Override
    void close();
}
