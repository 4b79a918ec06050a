package io.backupkit.api.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one set of builder checks every BackupKit module uses, as Caffeine's builder does them: a setter checks its
 * argument at once ({@link #argument}, the shortcuts below) and that neither its setting nor one it conflicts with was
 * set before ({@link #unset}, {@link #state}); {@code build()} checks only what needs the whole picture and throws a
 * {@code ConfigurationException} itself. Every message starts with the setting, so the caller knows which call to
 * change. A null argument is a {@link NullPointerException} whose message is the setting, as in the JDK and Caffeine.
 *
 * <p>Implementation, not API (the {@code internal} packages are left out of the javadoc and may change in any
 * release): it is public only so that the other modules share it instead of each writing its own.
 *
 * <p>A new setting follows the pattern of the others, e.g. a timeout:
 * <pre>{@code
 * public Builder noProgressTimeout(Duration timeout) {
 *     this.noProgressTimeout = Require.once(noProgressTimeout,
 *             Require.between("noProgressTimeout", timeout, Duration.ofSeconds(10), Duration.ofDays(1)), "noProgressTimeout");
 *     return this;
 * }
 * }</pre>
 * The argument check runs first (a bad argument is an {@link IllegalArgumentException} even on a second call), then
 * {@link #once} refuses the second setting.
 */
public final class Require {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

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

    /**
     * A setter's whole check of a setting that may be set once: {@code value} must not be null and {@code current}
     * (the builder's field) must still be unset.
     *
     * @return {@code value}, for the field; @throws NullPointerException naming {@code setting} when it is null,
     *         IllegalStateException as {@link #unset} when {@code current} is already set
     */
    public static <T> T once(T current, T value, String setting) {
        Objects.requireNonNull(value, setting);
        unset(current, setting);
        return value;
    }

    /** {@link #once} for a setting whose value must not be shown (a password, a key, a DataSource): see {@link #unsetSecret}. */
    public static <T> T onceSecret(T current, T value, String setting) {
        Objects.requireNonNull(value, setting);
        unsetSecret(current, setting);
        return value;
    }

    /**
     * The check of a setting whose value must not be shown (a password, a key): set twice is refused without it.
     *
     * @throws IllegalStateException naming {@code setting} when {@code current} is already set
     */
    public static void unsetSecret(Object current, String setting) {
        state(current == null, "%s was already set; set it once", setting);
    }

    /**
     * A conflict between two settings: {@code other} is what was set already (null if nothing).
     *
     * @throws IllegalStateException naming both when {@code other} is set
     */
    public static void notBoth(Object other, String setting, String otherSetting) {
        state(other == null, "%s and %s conflict: %s was already set; use one of them", setting, otherSetting, otherSetting);
    }

    /**
     * A setting given once per key (a schema mapping, a file root): puts {@code key -> value} into {@code map} unless the
     * key is there already.
     *
     * @param template the message of the refusal, formatted with the key, the value already there and {@code value}
     * @throws IllegalStateException when {@code map} holds {@code key} already (and leaves it unchanged)
     */
    public static <K, V> void putOnce(Map<K, V> map, K key, V value, String template) {
        V already = map.putIfAbsent(key, value);
        state(already == null, template, key, already, value);
    }

    /** @return {@code value}; @throws IllegalArgumentException when it is empty or only white space */
    public static String nonBlank(String setting, String value) {
        Objects.requireNonNull(value, setting);
        argument(!value.isBlank(), "%s must not be blank, was '%s'", setting, value);
        return value;
    }

    /**
     * A name that becomes part of a storage key or an archive path (a file root, a scheduled job): 1-64 characters
     * from {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit, without {@code ..}.
     *
     * @return {@code value}; @throws IllegalArgumentException otherwise
     */
    public static String label(String setting, String value) {
        Objects.requireNonNull(value, setting);
        argument(LABEL.matcher(value).matches() && !value.contains(".."),
                "invalid %s '%s': use 1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit", setting, value);
        return value;
    }

    /** @return {@code value}; @throws IllegalArgumentException when it is outside {@code [min, max]} */
    public static long between(String setting, long value, long min, long max) {
        argument(value >= min && value <= max, "%s must be between %d and %d, was %d", setting, min, max, value);
        return value;
    }

    /** @return {@code value}; @throws IllegalArgumentException when it is outside {@code [min, max]} */
    public static int between(String setting, int value, int min, int max) {
        return (int) between(setting, (long) value, min, max);
    }

    /** @return {@code value}; @throws IllegalArgumentException when it is below {@code min} */
    public static long atLeast(String setting, long value, long min) {
        argument(value >= min, "%s must be at least %d, was %d", setting, min, value);
        return value;
    }

    /** @return {@code value}; @throws IllegalArgumentException when it is zero or negative */
    public static Duration positive(String setting, Duration value) {
        Objects.requireNonNull(value, setting);
        argument(!value.isNegative() && !value.isZero(), "%s must be positive, was %s", setting, value);
        return value;
    }

    /** @return {@code value}; @throws IllegalArgumentException when it is negative */
    public static Duration notNegative(String setting, Duration value) {
        Objects.requireNonNull(value, setting);
        argument(!value.isNegative(), "%s must not be negative, was %s", setting, value);
        return value;
    }

    /** @return {@code value}; @throws IllegalArgumentException when it is outside {@code [min, max]} */
    public static Duration between(String setting, Duration value, Duration min, Duration max) {
        return between(setting, value, min, max, min + " and " + max);
    }

    /**
     * {@link #between(String, Duration, Duration, Duration)} with the range shown as people write it, e.g.
     * {@code "1 s and 1 h"}.
     */
    public static Duration between(String setting, Duration value, Duration min, Duration max, String shownRange) {
        Objects.requireNonNull(value, setting);
        argument(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, "%s must be between %s, was %s", setting,
                shownRange, value);
        return value;
    }
}
