package io.backupkit.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Result of {@link BackupEngine#verify(BackupId)}: every stored object re-read, its size and SHA-256 (stored
 * and uncompressed) compared with the manifest.
 *
 * @param backupId the backup verified
 * @param objects  one check per object in the manifest
 * @param duration wall time
 */
public record VerifyReport(BackupId backupId, List<ObjectCheck> objects, Duration duration) {
    public VerifyReport {
        Objects.requireNonNull(backupId, "backupId");
        objects = List.copyOf(objects);
        Objects.requireNonNull(duration, "duration");
    }

    /** Whether every object is intact. */
    public boolean ok() {
        return objects.stream().allMatch(c -> c.status() == CheckStatus.OK);
    }

    /** The checks that failed. */
    public List<ObjectCheck> problems() {
        return objects.stream().filter(c -> c.status() != CheckStatus.OK).toList();
    }

    /** Outcome of checking one object. */
    public enum CheckStatus { OK, MISSING, SIZE_MISMATCH, CHECKSUM_MISMATCH, UNREADABLE }

    /**
     * @param path   object path relative to the backup folder
     * @param status what was found
     * @param detail human explanation, empty when OK
     */
    public record ObjectCheck(String path, CheckStatus status, String detail) {
        public ObjectCheck {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(status, "status");
            detail = detail == null ? "" : detail;
        }
    }
}
