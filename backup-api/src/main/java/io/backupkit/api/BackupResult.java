package io.backupkit.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Outcome of a successful backup.
 *
 * @param manifest the committed manifest
 * @param duration wall time of the operation
 * @param warnings what could not be captured (same as the manifest's warnings)
 */
public record BackupResult(Manifest manifest, Duration duration, List<String> warnings) {
    public BackupResult {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(duration, "duration");
        warnings = List.copyOf(warnings);
    }

    public BackupId id() {
        return manifest.id();
    }
}
