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
        return builderIn(rootFolderId);
    }

    /** Like {@link #builder()}, with these retries. */
    DriveStorageProvider.Builder builder(RetryPolicy retries) {
        return builder(rootFolderId, retries, 256 * 1024, 64 * 1024);
    }

    /** Like {@link #builder()}, for another root folder. */
    DriveStorageProvider.Builder builderIn(String folder) {
        return builder(folder, FAST_RETRIES, 256 * 1024, 64 * 1024);
    }

    /** Like {@link #builder()}, with these chunks. */
    DriveStorageProvider.Builder builderWithChunks(long chunkSize) {
        return builder(rootFolderId, FAST_RETRIES, chunkSize, 64 * 1024);
    }

    /** A builder with user credentials and these settings: each is set once, as the builder requires. */
    DriveStorageProvider.Builder builder(String folder, RetryPolicy retries, long chunkSize, int simpleUploadThreshold) {
        return baseBuilder(folder, retries, chunkSize, simpleUploadThreshold).userCredentials(CLIENT_ID, CLIENT_SECRET,
                REFRESH_TOKEN);
    }

    /** Like {@link #builder()} but without credentials. */
    DriveStorageProvider.Builder baseBuilder() {
        return baseBuilderIn(rootFolderId);
    }

    /** Like {@link #baseBuilder()}, for another root folder. */
    DriveStorageProvider.Builder baseBuilderIn(String folder) {
        return baseBuilder(folder, FAST_RETRIES, 256 * 1024, 64 * 1024);
    }

    private DriveStorageProvider.Builder baseBuilder(String folder, RetryPolicy retries, long chunkSize,
                                                     int simpleUploadThreshold) {
        return DriveStorageProvider.builder()
                .rootFolderId(folder)
                .tokenServerUri(server.tokenUri())
                .rootUrl(server.rootUrl())
                .chunkSize(chunkSize)
                .simpleUploadThreshold(simpleUploadThreshold)
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
