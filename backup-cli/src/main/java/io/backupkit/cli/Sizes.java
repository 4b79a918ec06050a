package io.backupkit.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them: {@code 500MiB}, {@code 2GB} (taken as GiB), {@code 1T}, or a number of bytes. */
final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?");

    private Sizes() {
    }

    static long parse(String what, String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw CliException.usage(what + " '" + text + "' is not a size: use e.g. 500MiB, 20GiB, 1TiB");
        }
        int power = "kmgtp".indexOf(m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)) + 1;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        if (bytes < 1 || bytes > Long.MAX_VALUE) {
            throw CliException.usage(what + " '" + text + "' is out of range");
        }
        return (long) bytes;
    }
}
