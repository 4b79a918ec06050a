package io.backupkit.core.internal;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Named points of a restore where a crash is hardest to recover from (between the two renames of a swap, after the
 * swap during clean-up, ...). Nothing happens at them in production; the kill tests install a hook that stops the
 * process exactly there, so recovery is tested at each point deterministically rather than by a lucky timing.
 */
public final class CrashPoints {
    /** The intent record of a restore was written; nothing else was done yet. */
    public static final String INTENT_WRITTEN = "restore.intent-written";
    /** One entry was extracted into a staging directory. */
    public static final String FILE_STAGED = "files.entry-staged";
    /** A REPLACE swap moved the target aside and has not yet moved the staged directory in. */
    public static final String BETWEEN_RENAMES = "files.between-renames";
    /** A REPLACE swap is done; the replaced directory is not yet removed. */
    public static final String SWAPPED = "files.swapped";
    /** The database part is about to be restored. */
    public static final String DATABASE_STARTING = "database.starting";

    private static volatile Consumer<String> hook = point -> { };

    private CrashPoints() {
    }

    /** Installs the hook (tests only). */
    public static void install(Consumer<String> h) {
        hook = Objects.requireNonNull(h, "hook");
    }

    static void reached(String point) {
        hook.accept(point);
    }
}
