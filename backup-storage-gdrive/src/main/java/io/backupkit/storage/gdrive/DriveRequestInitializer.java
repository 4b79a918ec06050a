package io.backupkit.storage.gdrive;

import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import io.backupkit.api.RetryPolicy;
import java.io.IOException;
import java.time.Duration;

/**
 * Prepares every request of the Drive client: credentials first (they add the {@code Authorization}
 * header and a 401 handler), then a fresh {@link DriveRetryHandler} wrapped around that handler, and the
 * timeouts.
 */
record DriveRequestInitializer(HttpRequestInitializer credentials, RetryPolicy retryPolicy, int connectTimeoutMillis,
                               int readTimeoutMillis) implements HttpRequestInitializer {

    DriveRequestInitializer(HttpRequestInitializer credentials, RetryPolicy retryPolicy, Duration connectTimeout,
                            Duration readTimeout) {
        this(credentials, retryPolicy, Math.toIntExact(connectTimeout.toMillis()), Math.toIntExact(readTimeout.toMillis()));
    }

    @Override
    public void initialize(HttpRequest request) throws IOException {
        if (credentials != null) {
            credentials.initialize(request);
        }
        DriveRetryHandler handler = new DriveRetryHandler(retryPolicy, request.getUnsuccessfulResponseHandler());
        request.setUnsuccessfulResponseHandler(handler);
        request.setIOExceptionHandler(handler);
        // The handler counts its own retries; this only has to leave room for them and one token refresh.
        request.setNumberOfRetries(retryPolicy.maxAttempts() + 1);
        if (request.getUrl() != null && request.getUrl().containsKey("upload_id")) {
            // A 308 of a resumable session means "resume incomplete", and a Location on it is the session's new
            // URL, which the uploader takes itself: never a redirect to follow with the chunk again.
            request.setFollowRedirects(false);
        }
        request.setConnectTimeout(connectTimeoutMillis);
        request.setReadTimeout(readTimeoutMillis);
    }
}
