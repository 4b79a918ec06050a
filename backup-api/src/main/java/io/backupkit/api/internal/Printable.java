package io.backupkit.api.internal;

/**
 * How a name taken from outside (a storage key, a path inside an archive) is shown in a message: control characters
 * escaped (a backslash, u and four hex digits), so a hostile name cannot rewrite the terminal or forge log lines, and
 * at most 200 characters. Implementation, not API, like {@link Require}: public only so that every module shows names
 * alike.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code s} with its control characters escaped, cut after 200 code points. */
    public static String of(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(200).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
