package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProvider.InternalRetries;
import io.backupkit.core.BackupKit;
import io.backupkit.core.internal.DefaultBackupEngine;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where S3 retries live, counted at the server (every request passes {@link FaultProxy}, which answers 503 SlowDown
 * to all): with a client BackupKit builds, the SDK's retries are off, a read is retried by the engine's wrapper and a
 * write by the provider, each exactly per its policy; with the host's own client, that client's retry settings are
 * the only ones, not multiplied by the provider's or the wrapper's.
 */
class S3RetriesTest {
    private static final RetryPolicy ENGINE = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(2));
    private static final RetryPolicy WRITES = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));
    private static final int HOST_CLIENT_ATTEMPTS = 2;

    private final S3TestServer server = S3TestServer.get();
    private FaultProxy proxy;
    private String bucket;

    @BeforeEach
    void setUp() throws IOException {
        proxy = new FaultProxy(server.endpoint());
        bucket = server.newBucket();
        proxy.plan(request -> FaultProxy.ErrorAnswer.of(503, "SlowDown", "Please reduce your request rate."));
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
    }

    @Test
    void withTheClientBackupKitBuildsReadsAreRetriedByTheEngineAndWritesByTheProviderEachExactlyOnce() {
        try (S3StorageProvider s3 = S3TestServer.provider(bucket, proxy.endpoint()).retries(WRITES).build();
             BackupEngine engine = BackupKit.builder().storage(s3).retries(ENGINE).build()) {
            assertThat(s3.internalRetries()).isEqualTo(InternalRetries.PUT);
            StorageProvider installed = ((DefaultBackupEngine) engine).storage();

            int before = proxy.log().size();
            Throwable listing = catchThrowable(engine::list);
            assertThat(listing).isInstanceOf(StorageException.class).hasMessageContaining("failed after 4 attempts")
                    .hasMessageContaining("503 SlowDown");
            assertThat(proxy.log().size() - before).as("SDK retries off: the engine's 4 attempts only").isEqualTo(4);

            before = proxy.log().size();
            Throwable put = catchThrowable(() -> installed.put("a/b", ContentSource.of(new byte[] {1, 2, 3})));
            assertThat(put).isInstanceOf(StorageException.class).hasMessageContaining("503 SlowDown");
            assertThat(((StorageException) put).retryable()).isTrue();
            assertThat(proxy.log().size() - before).as("the provider's 3 attempts, none added by the engine")
                    .isEqualTo(WRITES.maxAttempts());
        }
    }

    @Test
    void aUriCreatedProviderIsRetriedTheSameWay() {
        URI uri = URI.create("s3://" + bucket + "/?region=us-east-1&endpoint=" + proxy.endpoint()
                + "&pathStyle=true&check=false&maxAttempts=3");
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        try (BackupEngine engine = BackupKit.builder().storage(uri).retries(ENGINE).build()) {
            StorageProvider installed = ((DefaultBackupEngine) engine).storage();
            int before = proxy.log().size();
            assertThat(catchThrowable(engine::list)).hasMessageContaining("failed after 4 attempts");
            assertThat(proxy.log().size() - before).isEqualTo(ENGINE.maxAttempts());
            before = proxy.log().size();
            assertThat(catchThrowable(() -> installed.put("a/b", ContentSource.of(new byte[5]))))
                    .hasMessageContaining("503 SlowDown");
            assertThat(proxy.log().size() - before).as("maxAttempts=3 in the URI").isEqualTo(3);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void aHostSuppliedClientKeepsItsOwnRetriesAndNothingIsAddedOnTop() {
        try (S3Client host = hostClient(HOST_CLIENT_ATTEMPTS);
             S3StorageProvider s3 = S3StorageProvider.builder().bucket(bucket).client(host).build();
             BackupEngine engine = BackupKit.builder().storage(s3).retries(ENGINE).build()) {
            assertThat(s3.internalRetries()).isEqualTo(InternalRetries.ALL);
            StorageProvider installed = ((DefaultBackupEngine) engine).storage();

            int before = proxy.log().size();
            Throwable listing = catchThrowable(engine::list);
            assertThat(listing).isInstanceOf(StorageException.class).hasMessageContaining("503 SlowDown")
                    .hasMessageNotContaining("attempts");
            assertThat(proxy.log().size() - before).as("the host client's 2 attempts, not 2 x 4")
                    .isEqualTo(HOST_CLIENT_ATTEMPTS);

            before = proxy.log().size();
            assertThat(catchThrowable(() -> installed.put("a/b", ContentSource.of(new byte[] {1, 2, 3}))))
                    .hasMessageContaining("503 SlowDown");
            assertThat(proxy.log().size() - before).as("the host client's 2 attempts, not 2 x 5 x 4")
                    .isEqualTo(HOST_CLIENT_ATTEMPTS);

            before = proxy.log().size();
            assertThat(catchThrowable(() -> installed.stat("a/b"))).hasMessageContaining("503");
            assertThat(proxy.log().size() - before).isEqualTo(HOST_CLIENT_ATTEMPTS);
        }
    }

    /** A host's client with its own retry settings: {@code attempts} in all, without waiting. */
    private S3Client hostClient(int attempts) {
        return S3Client.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(attempts).backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()).build()))
                .build();
    }
}
