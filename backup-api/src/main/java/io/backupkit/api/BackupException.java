package io.backupkit.api;

import java.util.Objects;

/**
 * Root of every exception BackupKit throws. Unchecked; carries a stable {@link ErrorCode}.
 * Messages say what went wrong and, where there is one, what to do about it. The original
 * exception from a driver or SDK is always kept as the {@linkplain #getCause() cause}.
 */
public class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public BackupException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public BackupException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable category of this failure. */
    public ErrorCode code() {
        return code;
    }
}
