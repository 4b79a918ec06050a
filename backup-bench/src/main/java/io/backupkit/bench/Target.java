package io.backupkit.bench;

import java.util.Locale;

/**
 * One line of the ratio table: BackupKit's median over a peer's median, against the goal of issue 8.
 *
 * @param measure   what is compared
 * @param ratio     BackupKit / peer (or the absolute value for {@code absolute} targets)
 * @param limit     the target: the ratio must be at most this; {@code NaN} when the line is for information
 * @param unit      empty for ratios, else the unit of an absolute value (e.g. "MB")
 */
record Target(String measure, double ratio, double limit, String unit) {

    boolean informational() {
        return Double.isNaN(limit);
    }

    boolean passed() {
        return !informational() && ratio <= limit;
    }

    String verdict() {
        return informational() ? "(info)" : passed() ? "PASS" : "MISS";
    }

    String ratioText() {
        return unit.isEmpty() ? String.format(Locale.ROOT, "%.2f", ratio) : String.format(Locale.ROOT, "%.0f %s", ratio, unit);
    }

    String limitText() {
        if (informational()) {
            return "-";
        }
        return unit.isEmpty() ? String.format(Locale.ROOT, "<= %.2f", limit)
                : String.format(Locale.ROOT, "<= %.0f %s", limit, unit);
    }
}
