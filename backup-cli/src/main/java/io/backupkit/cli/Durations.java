package io.backupkit.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 90s}, {@code 45m}, {@code 25h}, {@code 7d}, {@code 2w}, {@code 1d12h}, or ISO-8601. */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)([smhdwy])");

    private Durations() {
    }

    static Duration parse(String what, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw bad(what, text);
            }
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw bad(what, text);
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
            end = m.end();
        }
        if (end != t.length() || end == 0 || total.isZero()) {
            throw bad(what, text);
        }
        return total;
    }

    private static CliException bad(String what, String text) {
        return CliException.usage(what + " '" + text + "' is not a duration: use e.g. 90s, 45m, 25h, 7d, 2w, 1d12h");
    }
}
