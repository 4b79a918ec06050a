package io.backupkit.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of a restore, or with {@code validateOnly} the report of what a restore would change.
 *
 * @param backupId     the backup restored
 * @param validateOnly whether this was a dry run (nothing was touched)
 * @param safetyBackup the safety backup taken before the restore, if any
 * @param tables       per table: rows in the target before, rows in the backup
 * @param files        per files root: what was (or would be) added, replaced, removed
 * @param duration     wall time
 */
public record RestoreResult(BackupId backupId, boolean validateOnly, Optional<BackupId> safetyBackup,
                            List<TableChange> tables, List<FilesChange> files, Duration duration) {
    public RestoreResult {
        Objects.requireNonNull(backupId, "backupId");
        safetyBackup = safetyBackup == null ? Optional.empty() : safetyBackup;
        tables = List.copyOf(tables);
        files = List.copyOf(files);
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * One table of a restore.
     *
     * @param table      qualified name in the target
     * @param rowsBefore rows in the target before the restore, -1 when the table did not exist
     * @param rowsAfter  rows in the target after the restore (or, in a dry run, in the backup)
     */
    public record TableChange(String table, long rowsBefore, long rowsAfter) {
        public TableChange {
            Objects.requireNonNull(table, "table");
        }
    }

    /**
     * One files root of a restore.
     *
     * @param root         root name in the backup
     * @param target       directory restored into
     * @param added        files that did not exist
     * @param replaced     files that existed with other content or metadata and were overwritten
     * @param unchanged    files that already matched the backup (or were kept by a MERGE without overwrite)
     * @param removed      files not in the backup that were removed (REPLACE only)
     * @param bytesWritten bytes of file content written
     */
    public record FilesChange(String root, String target, long added, long replaced, long unchanged, long removed,
                              long bytesWritten) {
        public FilesChange {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(target, "target");
        }
    }
}
