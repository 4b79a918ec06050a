package io.backupkit.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The retention flags of {@code cleanup} and {@code schedule}, validated as they are read. */
final class RetentionOptions implements SettingFlags {
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

    @Option(names = "--per-type", description = "Apply count-based rules to each backup type separately.")
    boolean perType;

    private static final List<String> RULE_KEYS = List.of("retention.keep-last", "retention.keep-within",
            "retention.keep-daily", "retention.keep-weekly", "retention.keep-monthly", "retention.keep-yearly",
            "retention.max-count", "retention.max-size");

    @Override
    public void addTo(Map<String, Object> f) {
        f.put("retention.keep-last --keep-last", keepLast);
        f.put("retention.keep-within --keep-within", keepWithin);
        f.put("retention.keep-daily --keep-daily", keepDaily);
        f.put("retention.keep-weekly --keep-weekly", keepWeekly);
        f.put("retention.keep-monthly --keep-monthly", keepMonthly);
        f.put("retention.keep-yearly --keep-yearly", keepYearly);
        f.put("retention.max-count --max-count", maxCount);
        f.put("retention.max-size --max-size", maxSize);
        f.put("retention.per-type --per-type", perType ? "true" : null);
    }

    /** Whether any retention rule is set (flag, environment or configuration file). */
    static boolean any(Settings s) {
        return RULE_KEYS.stream().anyMatch(k -> s.get(k).isPresent());
    }

    /** Whether a retention rule was given on this command line. */
    static boolean anyFlag(Settings s) {
        return RULE_KEYS.stream().anyMatch(s::fromFlag);
    }

    /** The rules as validated values; fails with a usage error naming the setting and its source. */
    static Rules validate(Settings s) {
        return new Rules(s.positive("retention.keep-last").orElse(0), s.duration("retention.keep-within"),
                s.positive("retention.keep-daily").orElse(0), s.positive("retention.keep-weekly").orElse(0),
                s.positive("retention.keep-monthly").orElse(0), s.positive("retention.keep-yearly").orElse(0),
                s.positive("retention.max-count").orElse(0), s.size("retention.max-size").orElse(0));
    }

    /**
     * The engine's retention rules: the policy for {@code type} only, or for every type (safety backups included)
     * when no type is given; count-based rules across types unless {@code retention.per-type}.
     */
    static io.backupkit.api.RetentionRules toRules(Settings s, io.backupkit.api.BackupType type) {
        Rules r = validate(s);
        io.backupkit.api.RetentionPolicy policy;
        try {
            policy = new io.backupkit.api.RetentionPolicy(r.keepLast(), r.keepWithin(), r.keepDaily(), r.keepWeekly(),
                    r.keepMonthly(), r.keepYearly(), r.maxCount(), r.maxTotalBytes());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        io.backupkit.api.RetentionRules rules = type == null ? io.backupkit.api.RetentionRules.of(policy)
                : io.backupkit.api.RetentionRules.builder().policy(type, policy).build();
        return rules.withPerType(Settings.bool(s, "retention.per-type"));
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
