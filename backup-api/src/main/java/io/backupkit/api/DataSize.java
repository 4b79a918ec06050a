package io.backupkit.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, as written in storage URIs, the CLI and configuration. The one size syntax of BackupKit:
 *
 * <ul>
 *   <li>a whole number of bytes: {@code 8388608} (or {@code 8388608B});</li>
 *   <li>decimal units, powers of 1000: {@code KB}, {@code MB}, {@code GB}, {@code TB} ({@code 8MB} = 8,000,000);</li>
 *   <li>binary units, powers of 1024: {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} ({@code 8MiB} =
 *       8,388,608).</li>
 * </ul>
 * Units are case-insensitive and may be separated from the number by a space. Anything else, including fractions
 * and one-letter units such as {@code 8M} (which could mean either), is refused with a message that says how to write
 * it.
 *
 * @param bytes the size in bytes, not negative
 */
public record DataSize(long bytes) {
    private static final Pattern SYNTAX = Pattern.compile("([0-9]+)\\s*([A-Za-z]*)");
    private static final String HOW = "write a whole number of bytes, or one with a unit: KB, MB, GB, TB (powers of"
            + " 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 8MB or 8MiB";

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size must not be negative, was " + bytes);
        }
    }

    /** {@code bytes} bytes. */
    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    /**
     * Parses the syntax above.
     *
     * @throws IllegalArgumentException naming the text and the accepted syntax, for anything else or a size beyond
     *                                  {@link Long#MAX_VALUE} bytes
     */
    public static DataSize parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the size is empty: " + HOW);
        }
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: " + HOW);
        }
        long unit = unit(m.group(2), text);
        try {
            return new DataSize(Math.multiplyExact(Long.parseLong(m.group(1)), unit));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large: at most " + Long.MAX_VALUE + " bytes", e);
        }
    }

    private static long unit(String unit, String text) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kb" -> 1000L;
            case "mb" -> 1000L * 1000;
            case "gb" -> 1000L * 1000 * 1000;
            case "tb" -> 1000L * 1000 * 1000 * 1000;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            case "k", "m", "g", "t" -> throw new IllegalArgumentException("'" + text + "' has the unit '" + unit
                    + "', which could mean powers of 1000 or of 1024: write " + unit.toUpperCase(Locale.ROOT) + "B (1000) or "
                    + unit.toUpperCase(Locale.ROOT) + "iB (1024)");
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit + "': " + HOW);
        };
    }

    /** The size as an {@code int}, for buffers. */
    public int toIntExact() {
        return Math.toIntExact(bytes);
    }

    /** The shortest exact form: {@code 8MiB}, {@code 8MB}, or plain bytes. */
    @Override
    public String toString() {
        String[] binary = {"TiB", "GiB", "MiB", "KiB"};
        String[] decimal = {"TB", "GB", "MB", "KB"};
        for (int i = 0; i < 4; i++) {
            long b = 1L << (10 * (4 - i));
            long d = (long) Math.pow(1000, 4 - i);
            if (bytes != 0 && bytes % b == 0) {
                return bytes / b + binary[i];
            }
            if (bytes != 0 && bytes % d == 0) {
                return bytes / d + decimal[i];
            }
        }
        return bytes + "B";
    }
}
