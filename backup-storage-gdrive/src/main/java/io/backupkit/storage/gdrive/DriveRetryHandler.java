package io.backupkit.storage.gdrive;

import com.google.api.client.http.EmptyContent;
import com.google.api.client.http.HttpIOExceptionHandler;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpUnsuccessfulResponseHandler;
import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import io.backupkit.api.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retry decisions for one Drive HTTP request (a new instance per request, installed by
 * {@link DriveRequestInitializer}).
 *
 * <ul>
 *   <li>429, 408, 5xx, and 403 with reason {@code rateLimitExceeded} / {@code userRateLimitExceeded} are
 *       retried as the {@link RetryPolicy} says ({@code maxAttempts} requests in all, its backoff between them); a
 *       {@code Retry-After} header is honoured up to the maximum delay;</li>
 *   <li>a connection failure (I/O exception) is retried the same way;</li>
 *   <li>a 401 is handed once to the credentials' handler, which refreshes the access token;</li>
 *   <li>when a chunk of a resumable upload is retried, the request is first turned into a status query
 *       ({@code PUT} with no body and {@code Content-Range: bytes *}{@code /total}): the server answers with
 *       the offset it really has, and the uploader continues from there instead of resending a chunk
 *       whose stream position is no longer known;</li>
 *   <li>every other error status (and a retryable one whose retries are used up) is thrown as a
 *       {@link DriveHttpException} carrying the reason from the JSON error body.</li>
 * </ul>
 */
final class DriveRetryHandler implements HttpUnsuccessfulResponseHandler, HttpIOExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DriveRetryHandler.class);
    private static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded");
    private static final Pattern CHUNK_RANGE = Pattern.compile("bytes \\d+-\\d+/(\\d+|\\*)");
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final RetryPolicy policy;
    private final HttpUnsuccessfulResponseHandler authHandler;
    private int retries;
    private boolean authRefreshTried;

    DriveRetryHandler(RetryPolicy policy, HttpUnsuccessfulResponseHandler authHandler) {
        this.policy = policy;
        this.authHandler = authHandler;
    }

    @Override
    public boolean handleResponse(HttpRequest request, HttpResponse response, boolean supportsRetry) throws IOException {
        int status = response.getStatusCode();
        if (status < 400) {
            return false; // 308 "resume incomplete" and redirects belong to the caller
        }
        if (status == 401 && authHandler != null && !authRefreshTried) {
            authRefreshTried = true;
            // The credentials' handler re-initializes the request after a refresh, which would replace
            // this handler (and the uploader's wrapper around it): put them back.
            HttpUnsuccessfulResponseHandler current = request.getUnsuccessfulResponseHandler();
            HttpIOExceptionHandler currentIo = request.getIOExceptionHandler();
            boolean refreshed = authHandler.handleResponse(request, response, supportsRetry);
            request.setUnsuccessfulResponseHandler(current);
            request.setIOExceptionHandler(currentIo);
            if (refreshed && supportsRetry) {
                return true;
            }
        }
        ErrorBody error = ErrorBody.read(response);
        boolean transientFailure = status == 429 || status == 408 || status >= 500
                || status == 403 && RATE_LIMIT_REASONS.contains(error.reason());
        if (transientFailure && supportsRetry && retries < policy.maxAttempts() - 1) {
            long delay = policy.delayAfterAttempt(retries + 1).toMillis();
            Long retryAfter = retryAfterMillis(response);
            if (retryAfter != null) {
                delay = Math.min(Math.max(delay, retryAfter), policy.maxDelay().toMillis());
            }
            retries++;
            LOG.debug("Drive answered {} {} to {} {}; retry {} of {} in {} ms", status, error.reason(),
                    request.getRequestMethod(), request.getUrl().getRawPath(), retries, policy.maxAttempts() - 1, delay);
            sleep(delay);
            turnChunkIntoStatusQuery(request);
            return true;
        }
        throw new DriveHttpException(status, error.reason(), error.message(), transientFailure);
    }

    @Override
    public boolean handleIOException(HttpRequest request, boolean supportsRetry) throws IOException {
        if (!supportsRetry || retries >= policy.maxAttempts() - 1) {
            return false;
        }
        long delay = policy.delayAfterAttempt(retries + 1).toMillis();
        retries++;
        LOG.debug("connection to Drive failed during {} {}; retry {} of {} in {} ms",
                request.getRequestMethod(), request.getUrl().getRawPath(), retries, policy.maxAttempts() - 1, delay);
        sleep(delay);
        turnChunkIntoStatusQuery(request);
        return true;
    }

    private static void turnChunkIntoStatusQuery(HttpRequest request) {
        String range = request.getHeaders().getContentRange();
        if ("PUT".equals(request.getRequestMethod()) && range != null) {
            Matcher m = CHUNK_RANGE.matcher(range);
            if (m.matches()) {
                request.setContent(new EmptyContent());
                request.getHeaders().setContentRange("bytes */" + m.group(1));
            }
        }
    }

    private static Long retryAfterMillis(HttpResponse response) {
        Object value = response.getHeaders().get("retry-after");
        String text = value instanceof List<?> list && !list.isEmpty() ? String.valueOf(list.get(0)) : value == null ? null : value.toString();
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text.trim()) * 1000;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: the backoff alone is good enough
        }
    }

    private static void sleep(long millis) throws InterruptedIOException {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ex = new InterruptedIOException("interrupted while waiting to retry a Drive request");
            ex.initCause(e);
            throw ex;
        }
    }

    /** The parts of Drive's JSON error body that matter: {@code error.errors[0].reason} and {@code error.message}. */
    record ErrorBody(String reason, String message) {
        static ErrorBody read(HttpResponse response) {
            String text;
            try (InputStream in = response.getContent()) {
                if (in == null) {
                    return new ErrorBody("", response.getStatusMessage() == null ? "" : response.getStatusMessage());
                }
                text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return new ErrorBody("", "(error body unreadable: " + e.getMessage() + ")");
            }
            return parse(text, response.getStatusMessage());
        }

        static ErrorBody parse(String text, String statusMessage) {
            String fallback = statusMessage == null ? "" : statusMessage;
            try {
                GenericJson json = GsonFactory.getDefaultInstance().fromString(text, GenericJson.class);
                if (json.get("error") instanceof Map<?, ?> error) {
                    String message = error.get("message") instanceof String s ? s : fallback;
                    String reason = "";
                    if (error.get("errors") instanceof List<?> errors && !errors.isEmpty()
                            && errors.get(0) instanceof Map<?, ?> first && first.get("reason") instanceof String r) {
                        reason = r;
                    } else if (error.get("details") instanceof List<?> details) {
                        for (Object d : details) {
                            if (d instanceof Map<?, ?> detail && detail.get("reason") instanceof String r) {
                                reason = r;
                                break;
                            }
                        }
                    }
                    return new ErrorBody(reason, message);
                }
                if (json.get("error") instanceof String oauthError) { // token endpoint style
                    Object description = json.get("error_description");
                    return new ErrorBody(oauthError, description == null ? fallback : description.toString());
                }
            } catch (IOException | RuntimeException notJson) {
                // fall through: a proxy's HTML page or plain text
            }
            String trimmed = text.strip();
            return new ErrorBody("", trimmed.isEmpty() ? fallback : trimmed.substring(0, Math.min(200, trimmed.length())));
        }
    }
}
