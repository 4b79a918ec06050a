package io.backupkit.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The retention flags of {@code cleanup} and {@code schedule}, validated as they are read. */
final class RetentionOptions {
    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest backups (of all types together unless --per-type).")
    Integer keepLast;

    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep every backup younger than this (e.g. 7d, 36h).")
    String keepWithin;

    @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest backup of each of the last N days with one.")
    Integer keepDaily;

    @Option(names = "--keep-weekly", paramLabel = "N", description = "Likewise per ISO week.")
    Integer keepWeekly;

    @Option(names = "--keep-monthly", paramLabel = "N", description = "Likewise per calendar month.")
    Integer keepMonthly;

    @Option(names = "--keep-yearly", paramLabel = "N", description = "Likewise per calendar year.")
    Integer keepYearly;

    @Option(names = "--max-count", paramLabel = "N", description = "Keep at most N backups of all types together unless --per-type (oldest unprotected go first).")
    Integer maxCount;

    @Option(names = "--max-size", paramLabel = "SIZE", description = "Keep at most this much stored data (e.g. 200GiB), all types together unless --per-type.")
    String maxSize;

    /** Whether any retention rule was given. */
    boolean any() {
        return keepLast != null || keepWithin != null || keepDaily != null || keepWeekly != null || keepMonthly != null
                || keepYearly != null || maxCount != null || maxSize != null;
    }

    /** The rules as validated values; fails with a usage error naming the flag. */
    Rules validate() {
        Optional<Duration> within = Optional.ofNullable(keepWithin).map(v -> Durations.parse("--keep-within", v));
        long bytes = maxSize == null ? 0 : Sizes.parse("--max-size", maxSize);
        return new Rules(positive("--keep-last", keepLast), within, positive("--keep-daily", keepDaily),
                positive("--keep-weekly", keepWeekly), positive("--keep-monthly", keepMonthly),
                positive("--keep-yearly", keepYearly), positive("--max-count", maxCount), bytes);
    }

    private static int positive(String flag, Integer value) {
        if (value == null) {
            return 0;
        }
        if (value < 1) {
            throw CliException.usage(flag + " must be 1 or more, was " + value);
        }
        return value;
    }

    /**
     * The engine's retention rules: the policy for {@code type} only, or for every type (safety backups included)
     * when no type is given.
     */
    io.backupkit.api.RetentionRules toRules(io.backupkit.api.BackupType type) {
        Rules r = validate();
        io.backupkit.api.RetentionPolicy policy;
        try {
            policy = new io.backupkit.api.RetentionPolicy(r.keepLast(), r.keepWithin(), r.keepDaily(), r.keepWeekly(),
                    r.keepMonthly(), r.keepYearly(), r.maxCount(), r.maxTotalBytes());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        return type == null ? io.backupkit.api.RetentionRules.of(policy)
                : io.backupkit.api.RetentionRules.builder().policy(type, policy).build();
    }

    /** Validated retention rules; 0 or empty = rule off. */
    record Rules(int keepLast, Optional<Duration> keepWithin, int keepDaily, int keepWeekly, int keepMonthly,
                 int keepYearly, int maxCount, long maxTotalBytes) {
        String describe() {
            List<String> parts = new ArrayList<>();
            if (keepLast > 0) {
                parts.add("last " + keepLast);
            }
            keepWithin.ifPresent(d -> parts.add("within " + d));
            if (keepDaily > 0) {
                parts.add("daily " + keepDaily);
            }
            if (keepWeekly > 0) {
                parts.add("weekly " + keepWeekly);
            }
            if (keepMonthly > 0) {
                parts.add("monthly " + keepMonthly);
            }
            if (keepYearly > 0) {
                parts.add("yearly " + keepYearly);
            }
            if (maxCount > 0) {
                parts.add("max " + maxCount + " backups");
            }
            if (maxTotalBytes > 0) {
                parts.add("max " + Output.bytes(maxTotalBytes));
            }
            return "keep " + String.join(", ", parts);
        }
    }
}
