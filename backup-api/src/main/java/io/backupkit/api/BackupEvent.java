package io.backupkit.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** What a {@link BackupListener} is told. One operation gives Started, any number of Progress, then Finished or Failed. */
public sealed interface BackupEvent {

    /** The kind of operation. */
    Operation operation();

    /** The backup concerned, when there is one. */
    Optional<BackupId> backupId();

    /** When the event happened. */
    Instant at();

    /** An operation started. */
    record Started(Operation operation, Optional<BackupId> backupId, Instant at) implements BackupEvent {
        public Started {
            Objects.requireNonNull(operation, "operation");
            backupId = backupId == null ? Optional.empty() : backupId;
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Progress so far.
     *
     * @param bytes          content bytes processed
     * @param totalBytes     content bytes expected in all, when known
     * @param rows           database rows processed
     * @param tables         tables completed
     * @param files          files processed
     * @param bytesPerSecond average rate since the start
     * @param eta            estimated time left, when the total is known
     */
    record Progress(Operation operation, Optional<BackupId> backupId, Instant at, long bytes, OptionalLong totalBytes,
                    long rows, int tables, long files, double bytesPerSecond, Optional<Duration> eta)
            implements BackupEvent {
        public Progress {
            Objects.requireNonNull(operation, "operation");
            backupId = backupId == null ? Optional.empty() : backupId;
            Objects.requireNonNull(at, "at");
            totalBytes = totalBytes == null ? OptionalLong.empty() : totalBytes;
            eta = eta == null ? Optional.empty() : eta;
        }
    }

    /** An operation completed. */
    record Finished(Operation operation, Optional<BackupId> backupId, Instant at, Duration duration) implements BackupEvent {
        public Finished {
            Objects.requireNonNull(operation, "operation");
            backupId = backupId == null ? Optional.empty() : backupId;
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(duration, "duration");
        }
    }

    /** An operation failed; {@code error} is what the caller receives. */
    record Failed(Operation operation, Optional<BackupId> backupId, Instant at, Duration duration, BackupException error)
            implements BackupEvent {
        public Failed {
            Objects.requireNonNull(operation, "operation");
            backupId = backupId == null ? Optional.empty() : backupId;
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(error, "error");
        }
    }
}
