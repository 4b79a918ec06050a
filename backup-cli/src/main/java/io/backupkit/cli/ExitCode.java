package io.backupkit.cli;

import io.backupkit.api.ErrorCode;

/**
 * The documented exit codes of {@code backupkit}. Stable: scripts and service managers switch on them.
 * See docs/CLI.md.
 */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The operation was attempted and failed: storage, database dump or restore errors. */
    public static final int FAILED = 1;
    /** Bad input: unknown command or option, bad value, bad configuration, missing confirmation. Nothing was changed. */
    public static final int USAGE = 2;
    /** The backup (or file) asked for does not exist. */
    public static final int NOT_FOUND = 3;
    /** Stored data is damaged: a checksum or size does not match, or an imported archive is invalid. */
    public static final int INTEGRITY = 4;
    /** Conflicts with existing state: the backup already exists, a lock is held, the output file exists. */
    public static final int CONFLICT = 5;
    /** The backup cannot be restored by this version or into this database. */
    public static final int UNSUPPORTED = 6;
    /** {@code health} found problems a monitor should alert on. */
    public static final int UNHEALTHY = 7;
    /** The operation was cancelled (Ctrl-C, SIGTERM). */
    public static final int CANCELLED = 130;

    private ExitCode() {
    }

    /** The exit code for a failure of this category. */
    public static int of(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> NOT_FOUND;
            case INTEGRITY, INVALID_ARCHIVE -> INTEGRITY;
            case CONFIGURATION -> USAGE;
            case CONFLICT -> CONFLICT;
            case UNSUPPORTED -> UNSUPPORTED;
            case CANCELLED -> CANCELLED;
            case STORAGE, DUMP, RESTORE, NO_PROGRESS -> FAILED;
        };
    }
}
