package io.backupkit.core.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.DumpException;
import io.backupkit.api.Operation;
import io.backupkit.api.RestoreException;
import io.backupkit.api.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Every failure leaves an operation as a BackupException that says what failed; the original stays the cause. */
final class OperationFailures {
    private OperationFailures() {
    }

    /**
     * A {@link BackupException} is passed on as it is; anything else becomes the error type of the operation: a
     * {@link DumpException} for a backup, a {@link RestoreException} for a restore, a {@link StorageException} else.
     */
    static BackupException translate(Throwable e, String what, Operation operation) {
        if (e instanceof BackupException be) {
            return be;
        }
        // A storage failure reaches the engine wrapped in the IOException of the stream that was being written.
        Throwable cause = e;
        while ((cause instanceof UncheckedIOException || cause instanceof IOException) && cause.getCause() != null) {
            if (cause.getCause() instanceof StorageException se) {
                return new StorageException(what + ": " + se.getMessage(), se.retryable(), e);
            }
            if (cause.getCause() instanceof BackupException be) {
                return be;
            }
            cause = cause.getCause();
        }
        String message = what + ": " + (e.getMessage() != null ? e.getMessage() : e.toString());
        return switch (operation) {
            case BACKUP -> new DumpException(message, e);
            case RESTORE -> new RestoreException(message, e);
            default -> new StorageException(message, false, e);
        };
    }
}
