package io.backupkit.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A restore whose intent record is still in the storage although no process runs it any more: its process died (or
 * lost the storage lock) between touching the target and recording the outcome. {@link BackupEngine#recover()} (or
 * the next restore) completes it or rolls it back.
 *
 * @param operationId  the restore's operation id (its history record)
 * @param backupId     the backup it was restoring
 * @param startedAt    when it started
 * @param host         where it ran
 * @param phase        how far it got: STARTED, SAFETY_BACKUP, DATABASE, DATABASE_DONE, FILES_STAGING,
 *                     FILES_COMMITTING, DONE
 * @param safetyBackup the safety backup taken (or being taken) before the target was touched
 * @param targets      what it was changing: the database URL and the file target directories
 * @param running      true when its process may still be running (its storage lock is live, or its process is alive
 *                     on this machine): then nobody may recover it yet
 */
public record UnfinishedRestore(String operationId, BackupId backupId, Instant startedAt, String host, String phase,
                                Optional<BackupId> safetyBackup, List<String> targets, boolean running) {
    public UnfinishedRestore {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(phase, "phase");
        safetyBackup = safetyBackup == null ? Optional.empty() : safetyBackup;
        targets = List.copyOf(targets);
    }
}
