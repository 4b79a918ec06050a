package io.backupkit.storage.gdrive;

import java.io.IOException;

/**
 * An error answer from the Drive API that was not (or no longer) retried. Thrown from inside the HTTP
 * client by {@link DriveRetryHandler}, which has read the JSON error body: the client itself would throw
 * its exception later with the body already consumed.
 */
final class DriveHttpException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String reason;
    private final boolean retryable;

    DriveHttpException(int status, String reason, String message, boolean retryable) {
        super("HTTP " + status + (reason.isEmpty() ? "" : " " + reason) + (message.isEmpty() ? "" : ": " + message));
        this.status = status;
        this.reason = reason;
        this.retryable = retryable;
    }

    int status() {
        return status;
    }

    /** The first {@code errors[].reason} of the body (e.g. {@code storageQuotaExceeded}), or empty. */
    String reason() {
        return reason;
    }

    /** Whether the failure is transient (the retries were used up). */
    boolean retryable() {
        return retryable;
    }
}
