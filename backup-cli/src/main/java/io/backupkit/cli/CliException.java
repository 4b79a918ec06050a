package io.backupkit.cli;

/** A problem the command line found itself (bad input, missing confirmation); carries the exit code. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;
    private final boolean storageUnusable;

    CliException(int exitCode, String message) {
        this(exitCode, message, false);
    }

    private CliException(int exitCode, String message, boolean storageUnusable) {
        super(message);
        this.exitCode = exitCode;
        this.storageUnusable = storageUnusable;
    }

    /** The storage named cannot be used as it is (a local directory that does not exist): a usage error. */
    static CliException storageUnusable(String message) {
        return new CliException(ExitCode.USAGE, message, true);
    }

    /** A confirmation prompt was answered with something other than yes. */
    static CliException declined(String message) {
        return new CliException(ExitCode.CANCELLED, message);
    }

    boolean storageUnusable() {
        return storageUnusable;
    }

    static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
