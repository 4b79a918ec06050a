package io.backupkit.api;

import io.backupkit.api.internal.Require;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Which backups of the kinds it applies to to keep (see {@link RetentionRules} for which are planned together), with the semantics of restic's {@code forget}: a backup is kept if
 * <em>any</em> keep rule keeps it; the caps then remove the oldest of the kept backups that are not
 * protected. Every count is a positive number when set; {@code 0} (and an empty {@code keepWithin}) means the
 * rule is off. Build one with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code keepLast n}: the {@code n} newest backups.</li>
 *   <li>{@code keepWithin d}: every backup created at or after {@code now - d}. Unlike restic, which measures
 *       from the newest snapshot, this measures from the {@code now} the plan is made at, so "safety backups
 *       kept 7 days" means what it says; the newest successful backup is protected anyway, so a storage whose
 *       backups stopped is never emptied.</li>
 *   <li>{@code keepDaily / keepWeekly / keepMonthly / keepYearly n} (grandfather-father-son): for each of the
 *       {@code n} most recent days / ISO weeks / months / years <em>that have a backup</em>, the newest backup
 *       of that period, periods taken in the plan's time zone. Days without a backup do not use up a count.
 *       {@link Integer#MAX_VALUE} keeps one per period for every period.</li>
 *   <li>{@code maxCount n}: after the keep rules, while more than {@code n} completed backups of this kind
 *       are kept, the oldest kept one that is not protected is deleted.</li>
 *   <li>{@code maxTotalBytes b}: likewise while the kept backups' stored bytes exceed {@code b}.</li>
 * </ul>
 *
 * A policy with caps but no keep rule keeps every backup the caps allow (e.g. {@code maxCount(10)} alone keeps
 * the ten newest). A policy with no rule at all is rejected: it is almost certainly a mistake, and there is
 * no reading of it that is both safe and useful. Protected backups (pinned ones, and the newest backup of each
 * kind, database and files, that restores everything it covers) count towards the caps but are never deleted, so
 * they may leave a cap exceeded.
 *
 * <p>The count-based rules ({@code keepLast}, the GFS counts) are filled only by backups that restore everything
 * they cover ({@link BackupState#restoresEverything()}): not INCOMPLETE, not DAMAGED, not limited to some tables,
 * not safety backups. Other backups are kept only by {@code keepWithin} (or a pin). Safety backups follow their own
 * policy, in which they fill the count slots themselves (unless damaged).
 *
 * @param keepLast      keep the n newest, 0 = off
 * @param keepWithin    keep everything this recent, empty = off
 * @param keepDaily     keep the newest of each of the n most recent days with a backup, 0 = off
 * @param keepWeekly    likewise per ISO week (Monday to Sunday), 0 = off
 * @param keepMonthly   likewise per calendar month, 0 = off
 * @param keepYearly    likewise per calendar year, 0 = off
 * @param maxCount      at most this many kept backups, 0 = no cap
 * @param maxTotalBytes at most this many stored bytes in kept backups, 0 = no cap
 */
public record RetentionPolicy(int keepLast, Optional<Duration> keepWithin, int keepDaily, int keepWeekly,
                              int keepMonthly, int keepYearly, int maxCount, long maxTotalBytes) {

    public RetentionPolicy {
        Objects.requireNonNull(keepWithin, "keepWithin (use Optional.empty() to turn the rule off)");
        requireNotNegative("keepLast", keepLast);
        keepWithin.ifPresent(RetentionPolicy::requirePositive);
        requireNotNegative("keepDaily", keepDaily);
        requireNotNegative("keepWeekly", keepWeekly);
        requireNotNegative("keepMonthly", keepMonthly);
        requireNotNegative("keepYearly", keepYearly);
        requireNotNegative("maxCount", maxCount);
        if (maxTotalBytes < 0) {
            throw new IllegalArgumentException("maxTotalBytes must be positive (0 = no cap), was " + maxTotalBytes);
        }
        boolean keepRule = keepLast > 0 || keepWithin.isPresent() || keepDaily > 0 || keepWeekly > 0
                || keepMonthly > 0 || keepYearly > 0;
        if (!keepRule && maxCount == 0 && maxTotalBytes == 0) {
            throw new IllegalArgumentException("a retention policy needs at least one rule: keepLast, keepWithin, "
                    + "keepDaily, keepWeekly, keepMonthly, keepYearly, maxCount or maxTotalBytes "
                    + "(to keep every backup of a kind, give it no policy at all)");
        }
    }

    /** A builder; every setter rejects a value that is not positive. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether any keep rule (as opposed to a cap) is set. Without one, every backup is kept unless a cap removes it. */
    public boolean hasKeepRule() {
        return keepLast > 0 || keepWithin.isPresent() || keepDaily > 0 || keepWeekly > 0 || keepMonthly > 0
                || keepYearly > 0;
    }

    /** The rules in restic's words, e.g. {@code keep last 7, daily 7, weekly 4, max 20 backups}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (keepLast > 0) {
            append(sb, "last " + keepLast);
        }
        keepWithin.ifPresent(d -> append(sb, "within " + formatDuration(d)));
        if (keepDaily > 0) {
            append(sb, "daily " + count(keepDaily));
        }
        if (keepWeekly > 0) {
            append(sb, "weekly " + count(keepWeekly));
        }
        if (keepMonthly > 0) {
            append(sb, "monthly " + count(keepMonthly));
        }
        if (keepYearly > 0) {
            append(sb, "yearly " + count(keepYearly));
        }
        String keep = sb.length() == 0 ? "keep all" : "keep " + sb;
        StringBuilder caps = new StringBuilder(keep);
        if (maxCount > 0) {
            caps.append(", max ").append(maxCount).append(maxCount == 1 ? " backup" : " backups");
        }
        if (maxTotalBytes > 0) {
            caps.append(", max ").append(maxTotalBytes).append(" bytes");
        }
        return caps.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Formats a duration as restic does: {@code 7d}, {@code 36h}, {@code 90m}, {@code 45s}, else ISO-8601. */
    public static String formatDuration(Duration d) {
        if (d.isZero() || d.getNano() != 0) {
            return d.toString();
        }
        long s = d.getSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private static String count(int n) {
        return n == Integer.MAX_VALUE ? "unlimited" : Integer.toString(n);
    }

    private static void append(StringBuilder sb, String part) {
        if (sb.length() > 0) {
            sb.append(", ");
        }
        sb.append(part);
    }

    private static void requireNotNegative(String rule, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(rule + " must be positive (0 = rule off), was " + value);
        }
    }

    private static void requirePositive(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("keepWithin must be a positive duration, was " + d);
        }
    }

    /**
     * Builds a {@link RetentionPolicy}. Each setter fails fast on a value that is not positive
     * ({@link IllegalArgumentException}) and may be called once ({@link IllegalStateException}); {@link #build()}
     * fails with a {@link ConfigurationException} when no rule was set.
     */
    public static final class Builder {
        private Integer keepLast;
        private Duration keepWithin;
        private Integer keepDaily;
        private Integer keepWeekly;
        private Integer keepMonthly;
        private Integer keepYearly;
        private Integer maxCount;
        private Long maxTotalBytes;

        private Builder() {
        }

        /** Keep the {@code n} newest backups. */
        public Builder keepLast(int n) {
            keepLast = once(keepLast, "keepLast", n);
            return this;
        }

        /** Keep every backup created within {@code duration} before the plan's {@code now}. */
        public Builder keepWithin(Duration duration) {
            Objects.requireNonNull(duration, "keepWithin duration");
            requirePositive(duration);
            Require.unset(keepWithin, "keepWithin");
            keepWithin = duration;
            return this;
        }

        /** Keep the newest backup of each of the {@code n} most recent days that have one. */
        public Builder keepDaily(int n) {
            keepDaily = once(keepDaily, "keepDaily", n);
            return this;
        }

        /** Keep the newest backup of each of the {@code n} most recent ISO weeks that have one. */
        public Builder keepWeekly(int n) {
            keepWeekly = once(keepWeekly, "keepWeekly", n);
            return this;
        }

        /** Keep the newest backup of each of the {@code n} most recent months that have one. */
        public Builder keepMonthly(int n) {
            keepMonthly = once(keepMonthly, "keepMonthly", n);
            return this;
        }

        /** Keep the newest backup of each of the {@code n} most recent years that have one. */
        public Builder keepYearly(int n) {
            keepYearly = once(keepYearly, "keepYearly", n);
            return this;
        }

        /** Delete the oldest unprotected kept backups while more than {@code n} are kept. */
        public Builder maxCount(int n) {
            maxCount = once(maxCount, "maxCount", n);
            return this;
        }

        /** Delete the oldest unprotected kept backups while the kept ones occupy more than {@code bytes}. */
        public Builder maxTotalBytes(long bytes) {
            Require.argument(bytes > 0, "maxTotalBytes must be at least 1, was %d", bytes);
            Require.unset(maxTotalBytes, "maxTotalBytes");
            maxTotalBytes = bytes;
            return this;
        }

        /**
         * The policy.
         *
         * @throws ConfigurationException when no rule was set
         */
        public RetentionPolicy build() {
            if (keepLast == null && keepWithin == null && keepDaily == null && keepWeekly == null && keepMonthly == null
                    && keepYearly == null && maxCount == null && maxTotalBytes == null) {
                throw new ConfigurationException("a retention policy needs at least one rule: call keepLast, keepWithin, "
                        + "keepDaily, keepWeekly, keepMonthly, keepYearly, maxCount or maxTotalBytes "
                        + "(to keep every backup of a kind, give it no policy at all)");
            }
            return new RetentionPolicy(or(keepLast), Optional.ofNullable(keepWithin), or(keepDaily), or(keepWeekly),
                    or(keepMonthly), or(keepYearly), or(maxCount), maxTotalBytes == null ? 0 : maxTotalBytes);
        }

        private static int or(Integer n) {
            return n == null ? 0 : n;
        }

        /** A count rule's check: set once (before the argument is looked at, as for every rule), then at least 1. */
        private static int once(Integer current, String rule, int n) {
            Require.unset(current, rule);
            Require.argument(n > 0, "%s must be at least 1, was %d (leave the rule unset to turn it off)", rule, n);
            return n;
        }
    }
}
