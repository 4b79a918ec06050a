package io.backupkit.api.spi;

import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import java.io.InputStream;
import java.util.Map;
import javax.sql.DataSource;

/** What the engine gives a {@link DatabaseDumper} for one restore (or its preview). */
public interface RestoreContext {

    /** The database to restore into. */
    DataSource dataSource();

    /** The database part of the backup's manifest. */
    Manifest.DatabasePart database();

    /** REPLACE, MERGE or DATA_ONLY. */
    RestoreMode mode();

    /** In MERGE: what to do when a backup row's other unique key belongs to a different target row. */
    default io.backupkit.api.MergeConflictPolicy mergeConflicts() {
        return io.backupkit.api.MergeConflictPolicy.FAIL;
    }

    /** Which of the backup's tables to restore. Exact include names not in the backup are an error. */
    TableSelection tables();

    /** Backup schema name to target schema name; schemas not in the map keep their name. */
    Map<String, String> schemaMapping();

    /** How many worker connections the dumper may use (>= 1). */
    int parallelism();

    /**
     * Opens an object of the backup, decompressed. The engine verified every object before the restore
     * began, and checks size and SHA-256 again as this stream is read: a mismatch throws from {@code read}.
     *
     * @param path the object's path relative to the backup folder, as in {@link Manifest.TableEntry#objects()}
     */
    InputStream openObject(String path);

    /**
     * The uncompressed size in bytes of an object of this backup, or -1 when unknown: lets a dumper that loads
     * tables in parallel start with the largest.
     */
    default long objectSize(String path) {
        return -1;
    }

    /** Reports rows restored since the last call (for progress events). */
    void addRows(long rows);

    /** Reports that one table is fully restored. */
    void tableDone(String qualifiedName);

    /** Throws {@link io.backupkit.api.CancelledException} when the caller cancelled. */
    void checkCancelled();

    /**
     * The fence the engine obtained from this dumper's {@link DatabaseDumper#fenceWrites} before the safety backup, for
     * the restore's final transaction; {@link WriteFence#NONE} when there is none (no safety backup, a rollback, a
     * preview). The engine closes it: a dumper only uses it.
     */
    default WriteFence writeFence() {
        return WriteFence.NONE;
    }

    /**
     * Records part of this restore's own way back (a staging schema's name, the names tables were moved aside to)
     * in the restore's intent record <em>before</em> the step that needs it, so that a recovery after a kill can
     * finish or undo it ({@link DatabaseDumper#recoverAfterKill}). Written to storage before this returns.
     */
    default void recordRecoveryData(String key, String value) {
    }

    /**
     * Takes this restore's safety backup now, from tables the dumper moved aside in its swap
     * ({@link DatabaseDumper#safetyBackupAfterSwap}): the engine starts the safety backup (a nested BACKUP operation,
     * recorded in the intent record before it starts) and calls {@code dump} with that backup's {@link DumpContext};
     * the dumper writes the moved-aside tables under their original names, so that restoring the safety backup gives
     * back the tables as they were when the swap replaced them. Returns true once the safety backup is complete;
     * false, without calling {@code dump}, when this restore takes none here (the request skipped it, the engine took
     * it before the restore, or the restore is itself a way back): then the moved-aside tables are not needed.
     * A failure of {@code dump} or of the backup is thrown; the moved-aside tables are then still the way back.
     */
    default boolean takeSafetyBackup(java.util.function.Function<DumpContext, DumpSummary> dump) {
        return false;
    }
}
