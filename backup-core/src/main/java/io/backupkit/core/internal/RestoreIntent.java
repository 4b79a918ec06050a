package io.backupkit.core.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a restore is about to change and where the way back is, written before it touches anything and updated at
 * each phase ({@code logs/intents/<operation id>.json}, and for files also beside each target directory). Its
 * presence means the restore has not finished; recovery ({@link RestoreRecovery}) reads only this record, never the
 * crashed process, to finish or undo it.
 *
 * @param format       record format, {@link #FORMAT}
 * @param operationId  the restore's operation id: its history record and the holder id of its storage lock
 * @param backupId     the backup being restored
 * @param actor        who asked for it
 * @param host         host fingerprint of its process ({@link HostIdentity#fingerprint()})
 * @param pid          its process id
 * @param processStart when its process started (null if unknown, or written before it was recorded)
 * @param startedAt    when it started
 * @param updatedAt    when this record was last written
 * @param phase        how far it got
 * @param safetyBackup id of the safety backup (planned before it is taken, so a partial one can be found)
 * @param database     the database part, if the restore changes a database
 * @param files        one entry per file target
 */
record RestoreIntent(int format, String operationId, String backupId, String actor, String host, long pid,
                            Instant processStart, Instant startedAt, Instant updatedAt, Phase phase, Optional<String> safetyBackup,
                            Optional<DatabaseIntent> database, List<FilesIntent> files) {
    public static final int FORMAT = 1;

    public RestoreIntent {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(phase, "phase");
        safetyBackup = safetyBackup == null ? Optional.empty() : safetyBackup;
        database = database == null ? Optional.empty() : database;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** The phases in the order a restore passes them. */
    public enum Phase {
        /** Checked and planned; nothing touched. */
        STARTED,
        /** The safety backup is being taken; the target is untouched. */
        SAFETY_BACKUP,
        /** The database is being changed. */
        DATABASE,
        /** The database part is done (committed). */
        DATABASE_DONE,
        /** Files are being extracted into the staging directories; the targets are untouched. */
        FILES_STAGING,
        /** Every staged file is verified; the targets are being swapped (REPLACE) or merged (MERGE). */
        FILES_COMMITTING,
        /** Everything is done; only the history record and this record's removal remain. */
        DONE
    }

    /**
     * @param dumper           the dumper's name
     * @param url              the target database's JDBC URL (to find the same database again)
     * @param engineDataSource whether the target is the engine's own database (else the request's)
     * @param atomic           whether the dumper's restore is one transaction ({@code restoresAtomically})
     * @param createdTables    tables the restore creates (they did not exist before): the way back drops them
     * @param safetySkipped    whether the caller skipped the safety backup (then a non-atomic restore has no way back)
     * @param dumperData       what the dumper reported as its own way back (staging names, ...), by key
     */
    public record DatabaseIntent(String dumper, String url, boolean engineDataSource, boolean atomic,
                                 List<String> createdTables, boolean safetySkipped, Map<String, String> dumperData) {
        public DatabaseIntent {
            createdTables = createdTables == null ? List.of() : List.copyOf(createdTables);
            dumperData = dumperData == null ? Map.of() : Map.copyOf(dumperData);
        }
    }

    /**
     * @param root              the root's name in the backup
     * @param target            the target directory (absolute)
     * @param stage             the staging directory the files are extracted into (a sibling of the target)
     * @param old               where a REPLACE moves the target aside (a sibling of the target)
     * @param mode              REPLACE or MERGE
     * @param overwriteExisting MERGE: whether existing files are overwritten
     */
    public record FilesIntent(String root, String target, String stage, String old, String mode,
                              boolean overwriteExisting) {
    }

    RestoreIntent at(Phase p, Instant now) {
        return new RestoreIntent(format, operationId, backupId, actor, host, pid, processStart, startedAt, now, p, safetyBackup,
                database, files);
    }

    /**
     * Records the safety backup being taken; a safety backup taken after a database swap ({@link SafetyAfterSwap})
     * keeps the later phase, since the database is already being changed.
     */
    RestoreIntent withSafetyBackup(String id, Instant now) {
        Phase p = phase.compareTo(Phase.SAFETY_BACKUP) > 0 ? phase : Phase.SAFETY_BACKUP;
        return new RestoreIntent(format, operationId, backupId, actor, host, pid, processStart, startedAt, now, p,
                Optional.of(id), database, files);
    }

    RestoreIntent withDatabase(DatabaseIntent db, Instant now) {
        return new RestoreIntent(format, operationId, backupId, actor, host, pid, processStart, startedAt, now, phase, safetyBackup,
                Optional.of(db), files);
    }
}
