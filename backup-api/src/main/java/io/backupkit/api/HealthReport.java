package io.backupkit.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a monitor should alert on. {@link #healthy()} is true when there are no problems.
 *
 * @param checkedAt when the check ran
 * @param problems  every problem found
 */
public record HealthReport(Instant checkedAt, List<Problem> problems) {
    public HealthReport {
        Objects.requireNonNull(checkedAt, "checkedAt");
        problems = List.copyOf(problems);
    }

    public boolean healthy() {
        return problems.isEmpty();
    }

    /** Kinds of problem, stable for alert rules. */
    public enum Kind {
        /** No successful backup at all, or the newest is older than the policy allows. */
        STALE_BACKUP,
        /** The last N backup runs failed. */
        FAILING_RUNS,
        /** Backups occupy more than the policy allows. */
        STORAGE_OVER_LIMIT,
        /** The storage could not be read. */
        STORAGE_UNREACHABLE,
        /** The newest backup was found DAMAGED or with MISSING_OBJECTS by a verify (or a restore's check). */
        DAMAGED_BACKUP,
        /** A restore stopped (its process died) before it finished; {@link BackupEngine#recover()} finishes it. */
        UNFINISHED_RESTORE
    }

    /** One problem, with a message a person can act on. */
    public record Problem(Kind kind, String message) {
        public Problem {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }
}
