package io.backupkit.jdbc;

import io.backupkit.jdbc.internal.NativeToolSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings every dumper that drives a database's own tools shares ({@code pg_dump}/{@code pg_restore},
 * {@code mariadb-dump}/{@code mariadb}): where the tools are, the password they are given through a private file
 * and how long one tool may run. Each setter checks its argument at once and may be called once. Such a dumper's
 * {@code builder()} returns one of these, made with the dumper's constructor.
 *
 * @param <D> the dumper it builds
 */
public final class NativeToolBuilder<D> {
    /** How long one tool may run by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);

    private final Function<NativeToolSettings, D> dumper;
    private Path binDirectory;
    private String password;
    private Duration timeout;

    /** A builder whose {@link #build()} passes the settings to {@code dumper} (a dumper's constructor). */
    public NativeToolBuilder(Function<NativeToolSettings, D> dumper) {
        this.dumper = Objects.requireNonNull(dumper, "dumper");
    }

    /** The directory holding the tools; default: each tool is looked up on the {@code PATH}. */
    public NativeToolBuilder<D> binDirectory(Path directory) {
        if (directory == null) {
            throw new IllegalArgumentException("binDirectory must not be null");
        }
        requireUnset(binDirectory, "binDirectory");
        this.binDirectory = directory;
        return this;
    }

    /**
     * The password of the DataSource's user, written to a file only the owner can read (deleted after the tool
     * ran), never to the command line or the environment; default: none (trust or peer authentication).
     */
    public NativeToolBuilder<D> password(String password) {
        if (password == null) {
            throw new IllegalArgumentException("password must not be null (leave it unset for none)");
        }
        requireUnset(this.password, "password");
        this.password = password;
        return this;
    }

    /** How long one tool may run before it is killed; default 6 hours. */
    public NativeToolBuilder<D> timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        requireUnset(this.timeout, "timeout");
        this.timeout = timeout;
        return this;
    }

    /** The dumper with what was set, and the defaults for the rest. */
    public D build() {
        return dumper.apply(new NativeToolSettings(binDirectory, password == null ? "" : password,
                timeout == null ? DEFAULT_TIMEOUT : timeout));
    }

    private static void requireUnset(Object current, String setting) {
        if (current != null) {
            throw new IllegalStateException(setting + " was already set to " + (setting.equals("password") ? "a value"
                    : current) + "; set it once");
        }
    }
}
