package io.backupkit.storage.gdrive;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reading the content to upload failed, or it did not have its declared length. Unchecked on purpose: it
 * passes straight through the HTTP client, which would otherwise take it for a network failure and retry.
 */
final class SourceReadException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    SourceReadException(String message, IOException cause) {
        super(message, cause);
    }
}
