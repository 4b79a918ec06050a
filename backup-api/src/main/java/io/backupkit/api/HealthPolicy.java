package io.backupkit.api;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * When {@link BackupEngine#health()} reports a problem.
 *
 * @param maxBackupAge      the newest successful backup (DATABASE, FILES or FULL) must be younger than this
 * @param maxStoredBytes    storage use above this is a problem (empty = no limit)
 * @param failedRunsInARow  this many most recent backup runs all failed is a problem
 */
public record HealthPolicy(Duration maxBackupAge, OptionalLong maxStoredBytes, int failedRunsInARow) {
    /** A nightly schedule with an hour of slack, no storage limit, alert after 2 failed runs in a row. */
    public static final HealthPolicy DEFAULT = new HealthPolicy(Duration.ofHours(25), OptionalLong.empty(), 2);

    public HealthPolicy {
        Objects.requireNonNull(maxBackupAge, "maxBackupAge");
        if (maxBackupAge.isNegative() || maxBackupAge.isZero()) {
            throw new IllegalArgumentException("maxBackupAge must be positive, was " + maxBackupAge);
        }
        maxStoredBytes = maxStoredBytes == null ? OptionalLong.empty() : maxStoredBytes;
        if (maxStoredBytes.isPresent() && maxStoredBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("maxStoredBytes must be positive, was " + maxStoredBytes.getAsLong());
        }
        if (failedRunsInARow < 1) {
            throw new IllegalArgumentException("failedRunsInARow must be >= 1, was " + failedRunsInARow);
        }
    }
}
