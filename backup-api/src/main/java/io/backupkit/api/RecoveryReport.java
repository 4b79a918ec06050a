package io.backupkit.api;

import java.util.List;
import java.util.Objects;

/**
 * What {@link BackupEngine#recover()} did with each unfinished restore it found.
 *
 * @param recovered one entry per unfinished restore, oldest first
 */
public record RecoveryReport(List<Recovered> recovered) {
    public RecoveryReport {
        recovered = List.copyOf(recovered);
    }

    /** What happened to the target of one interrupted restore. */
    public enum Outcome {
        /** The restore had not changed the target yet; whatever it left beside it was removed. */
        UNCHANGED,
        /** The target was put back as it was before the restore (from its safety backup, or by undoing a swap). */
        ROLLED_BACK,
        /** The restore was finished: the target now holds the backup. */
        COMPLETED,
        /** Nothing could put the target back (no safety backup was taken); it may be partly restored. */
        LEFT_PARTIAL,
        /** Left alone: its process may still run, or what it needs to recover is missing (see the message). */
        SKIPPED
    }

    /**
     * @param restore what was found
     * @param outcome what recovery did
     * @param message for people: what was done, or why nothing could be
     */
    public record Recovered(UnfinishedRestore restore, Outcome outcome, String message) {
        public Recovered {
            Objects.requireNonNull(restore, "restore");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(message, "message");
        }
    }
}
