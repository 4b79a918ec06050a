package io.backupkit.storage.gdrive;

import io.backupkit.api.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/** A started {@link FakeDriveServer} with one OAuth user and a root folder, and providers wired to it. */
final class FakeDrive implements AutoCloseable {
    static final String CLIENT_ID = "client-123.apps.googleusercontent.com";
    static final String CLIENT_SECRET = "fake-client-secret-do-not-log";
    static final String REFRESH_TOKEN = "1//fake-refresh-token-do-not-log";
    static final String USER = "owner@example.com";

    final FakeDriveServer server;
    final String rootFolderId;

    FakeDrive(Path storage) {
        try {
            server = FakeDriveServer.start(storage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.registerUserClient(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, USER);
        rootFolderId = server.createRootFolder("backups");
    }

    /** Retries without real waits: 7 requests in all. */
    static final RetryPolicy FAST_RETRIES = new RetryPolicy(7, Duration.ofMillis(1), Duration.ofMillis(20));

    /** A builder with user credentials, fast retries and small chunks (256 KiB). */
    DriveStorageProvider.Builder builder() {
        return builder(FAST_RETRIES);
    }

    /** Like {@link #builder()}, with these retries. */
    DriveStorageProvider.Builder builder(RetryPolicy retries) {
        return baseBuilder(retries).userCredentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN);
    }

    /** Like {@link #builder()} but without credentials. */
    DriveStorageProvider.Builder baseBuilder() {
        return baseBuilder(FAST_RETRIES);
    }

    private DriveStorageProvider.Builder baseBuilder(RetryPolicy retries) {
        return DriveStorageProvider.builder()
                .rootFolderId(rootFolderId)
                .tokenServerUri(server.tokenUri())
                .rootUrl(server.rootUrl())
                .chunkSize(256 * 1024)
                .simpleUploadThreshold(64 * 1024)
                .retries(retries);
    }

    DriveStorageProvider provider() {
        return builder().build();
    }

    @Override
    public void close() {
        server.close();
    }
}
