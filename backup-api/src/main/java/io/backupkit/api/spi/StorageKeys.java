package io.backupkit.api.spi;

import io.backupkit.api.internal.Printable;
import java.nio.charset.StandardCharsets;

/**
 * The rules for storage keys, in one place. A key is relative and {@code /}-separated; each segment is
 * 1-255 bytes from {@code A-Z a-z 0-9 . _ - = + @ , % ~}, does not start with {@code .}; the whole key is at
 * most 1024 bytes. So {@code ..}, absolute paths, empty segments, back-slashes and control characters can
 * never reach a backend. Every {@link StorageProvider} calls {@link #requireKey} / {@link #requirePrefix}
 * before any I/O.
 */
public final class StorageKeys {
    /** Longest key, in bytes. */
    public static final int MAX_KEY_LENGTH = 1024;
    /** Longest segment, in bytes (the usual file-name limit). */
    public static final int MAX_SEGMENT_LENGTH = 255;

    private StorageKeys() {
    }

    /**
     * Checks a key.
     *
     * @return the key, unchanged
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("storage key is empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("storage key is longer than " + MAX_KEY_LENGTH + " characters: " + shorten(key));
        }
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("storage key '" + Printable.of(key) + "' is absolute: keys are relative, like backups/<id>/manifest.json");
        }
        int start = 0;
        while (true) {
            int slash = key.indexOf('/', start);
            int end = slash < 0 ? key.length() : slash;
            checkSegment(key, key.substring(start, end));
            if (slash < 0) {
                return key;
            }
            start = slash + 1;
        }
    }

    /**
     * Checks a list prefix: empty (everything), a key, or a key followed by {@code /}.
     *
     * @return the prefix, unchanged
     */
    public static String requirePrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("list prefix is null: use \"\" for every key");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        requireKey(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }

    /** Whether {@link #requireKey} would accept the key. */
    public static boolean isValidKey(String key) {
        try {
            requireKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Turns any text (a table name with spaces, unicode, quotes) into one valid key segment: safe characters
     * are kept, every other byte of its UTF-8 form becomes {@code %XX}, and a leading dot is escaped. One-way: a key
     * names its object, and what a segment stands for is kept in the manifest, not read back from the key.
     */
    public static String encodeSegment(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("cannot encode an empty name as a storage key segment");
        }
        StringBuilder sb = new StringBuilder();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean safe = b < 0x80 && isSafeChar((char) b) && b != '%' && !(i == 0 && b == '.');
            if (safe) {
                sb.append((char) b);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        String segment = sb.toString();
        if (segment.length() > MAX_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("name is too long for a storage key segment (" + segment.length()
                    + " > " + MAX_SEGMENT_LENGTH + " after encoding): " + shorten(text));
        }
        return segment;
    }

    private static void checkSegment(String key, String segment) {
        if (segment.isEmpty()) {
            throw new IllegalArgumentException("storage key '" + Printable.of(key) + "' has an empty segment (// or a trailing /)");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new IllegalArgumentException("storage key '" + Printable.of(key) + "' contains '" + segment + "': no relative path segments");
        }
        if (segment.charAt(0) == '.') {
            throw new IllegalArgumentException("storage key '" + Printable.of(key) + "' has a segment starting with '.': reserved for temporary files");
        }
        if (segment.length() > MAX_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("storage key segment longer than " + MAX_SEGMENT_LENGTH + " characters: " + shorten(segment));
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!isSafeChar(c)) {
                throw new IllegalArgumentException("storage key '" + Printable.of(key) + "' contains the character "
                        + describe(c) + ": allowed are A-Z a-z 0-9 . _ - = + @ , % ~ and / between segments");
            }
        }
    }

    private static boolean isSafeChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '.' || c == '_' || c == '-' || c == '=' || c == '+' || c == '@' || c == ',' || c == '%' || c == '~';
    }

    private static String describe(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("U+%04X", (int) c) : "'" + c + "' (U+" + String.format("%04X", (int) c) + ")";
    }

    private static String shorten(String s) {
        return Printable.of(s.length() > 80 ? s.substring(0, 80) + "..." : s);
    }
}
