package io.backupkit.core.internal;

/**
 * Builder checks, as Caffeine does them: a setter checks its argument at once ({@link #argument}) and that its
 * setting was not set before, nor one it conflicts with ({@link #state}); {@code build()} checks only what needs
 * the whole picture. Messages name the setting, so the caller knows which call to change.
 */
public final class Require {
    private Require() {
    }

    /** @throws IllegalArgumentException with the formatted message unless {@code ok} */
    public static void argument(boolean ok, String template, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(template, args));
        }
    }

    /** @throws IllegalStateException with the formatted message unless {@code ok} */
    public static void state(boolean ok, String template, Object... args) {
        if (!ok) {
            throw new IllegalStateException(String.format(template, args));
        }
    }

    /** @throws IllegalStateException naming {@code setting} and its value when {@code current} is already set */
    public static void unset(Object current, String setting) {
        state(current == null, "%s was already set (to %s); set it once", setting, current);
    }
}
