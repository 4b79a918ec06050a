package io.backupkit.storage.gdrive;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import io.backupkit.api.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;

/** Turns what the Drive client throws into {@link StorageException}s that say what happened and what to do. */
final class DriveErrors {
    static final String QUOTA_EXPLANATION = "Google Drive's storage quota is exceeded (storageQuotaExceeded). "
            + "If these are service-account credentials: service accounts have no Drive storage quota of their own, "
            + "so they cannot own files in an ordinary (My Drive) folder, whatever space the folder's owner has. "
            + "Fix: put the root folder on a shared drive and add the service account to it as a Content manager "
            + "(use the shared drive's folder id and driveId=<shared drive id>), or use OAuth user credentials "
            + "(client id, client secret and refresh token of a user with space), or let the service account "
            + "impersonate a user through domain-wide delegation. If these are a user's credentials, free space "
            + "in that user's Drive or raise the quota.";
    static final String RENEW_EXPLANATION = "Google refused to issue an access token (invalid_grant): the refresh token "
            + "was revoked or has expired (a consent screen in 'Testing' status makes them expire after 7 days, and "
            + "a password change or a revoked app access revokes them), or the service-account key was deleted or "
            + "disabled, or the impersonated user does not exist. The token must be renewed: run the OAuth consent "
            + "again for a new refresh token, or create a new service-account key, and update the credentials file.";
    static final String UNAUTHORIZED_EXPLANATION = "Google Drive rejected the access token (HTTP 401 Unauthorized) "
            + "and it could not be refreshed: the token or refresh token must be renewed (authorize again, or use a "
            + "new service-account key) and the credentials file updated.";
    private static final Set<String> PERMISSION_REASONS = Set.of("insufficientPermissions", "insufficientFilePermissions",
            "forbidden", "appNotAuthorizedToFile", "domainPolicy", "cannotAddParent", "teamDrivesParentLimit");

    private DriveErrors() {
    }

    /**
     * @param action what was being done, e.g. {@code "store 'backups/x/manifest.json'"}
     */
    static StorageException translate(String action, Throwable failure) {
        if (failure instanceof StorageException se) {
            return se;
        }
        if (failure instanceof SourceReadException sre) {
            return new StorageException("could not " + action + ": " + sre.getMessage(), false, sre);
        }
        if (isInvalidGrant(failure)) {
            return new StorageException("could not " + action + ": " + RENEW_EXPLANATION, false, failure);
        }
        if (failure instanceof DriveHttpException http) {
            return translateHttp(action, http.status(), http.reason(), http.getMessage(), http.retryable(), failure);
        }
        if (failure instanceof GoogleJsonResponseException json) {
            String reason = json.getDetails() != null && json.getDetails().getErrors() != null
                    && !json.getDetails().getErrors().isEmpty() ? String.valueOf(json.getDetails().getErrors().get(0).getReason()) : "";
            int status = json.getStatusCode();
            return translateHttp(action, status, reason, "HTTP " + status + " " + reason, status == 429 || status >= 500, failure);
        }
        if (failure instanceof HttpResponseException http) {
            int status = http.getStatusCode();
            return translateHttp(action, status, "", "HTTP " + status + " " + http.getStatusMessage(), status == 429 || status >= 500, failure);
        }
        if (isFromAuthLibrary(failure)) {
            return new StorageException("could not " + action + ": getting a Google access token failed: "
                    + firstLine(failure.getMessage()) + ". Check the credentials (file, client id/secret, key).", false, failure);
        }
        if (failure instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
            return new StorageException("could not " + action + ": interrupted", false, failure);
        }
        if (failure instanceof IOException) {
            return new StorageException("could not " + action + ": connection to Google Drive failed after retries: "
                    + failure, true, failure);
        }
        return new StorageException("could not " + action + ": " + failure, false, failure);
    }

    private static StorageException translateHttp(String action, int status, String reason, String detail, boolean retryable,
                                                  Throwable cause) {
        if ("storageQuotaExceeded".equals(reason) || "quotaExceeded".equals(reason) && status == 403) {
            return new StorageException("could not " + action + ": " + QUOTA_EXPLANATION, false, cause);
        }
        if (status == 401) {
            return new StorageException("could not " + action + ": " + UNAUTHORIZED_EXPLANATION, false, cause);
        }
        if (status == 403 && PERMISSION_REASONS.contains(reason)) {
            return new StorageException("could not " + action + ": permission denied by Google Drive (" + detail
                    + "). Share the root folder (or the shared drive) with the account of these credentials, with "
                    + "write access, and make sure the OAuth scope allows full Drive access.", false, cause);
        }
        if (status == 404) {
            return new StorageException("could not " + action + ": Google Drive says it does not exist (" + detail
                    + "). Check the folder id and that it is shared with the account of these credentials"
                    + " (and, on a shared drive, the driveId).", false, cause);
        }
        String advice = retryable ? " (gave up after the configured retries; try again later)" : "";
        return new StorageException("could not " + action + ": Google Drive answered " + detail + advice, retryable, cause);
    }

    static boolean isStatus(Throwable failure, int status) {
        return failure instanceof DriveHttpException http && http.status() == status
                || failure instanceof HttpResponseException hre && hre.getStatusCode() == status;
    }

    private static boolean isInvalidGrant(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DriveHttpException http && "invalid_grant".equals(http.reason())) {
                return true;
            }
            if ((isFromAuthLibrary(t) || t instanceof HttpResponseException) && t.getMessage() != null
                    && t.getMessage().contains("invalid_grant")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean isFromAuthLibrary(Throwable t) {
        return t.getClass().getName().startsWith("com.google.auth.");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
