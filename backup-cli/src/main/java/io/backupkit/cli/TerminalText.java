package io.backupkit.cli;

/**
 * Text from a backup (names, notes, tags, error messages echoing them) is printed to a terminal, where control and
 * escape sequences would act: retitle the window, move the cursor, hide lines. Every printer goes through
 * {@link Output}, which passes its text here; JSON output escapes control characters by itself.
 */
final class TerminalText {
    private TerminalText() {
    }

    /** The text without C0/C1 control characters and DEL; line breaks and tabs the printer wrote stay. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f;
            if (control && sb == null) {
                sb = new StringBuilder(s.length()).append(s, 0, i);
            } else if (!control && sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
