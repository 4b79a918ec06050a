package io.backupkit.storage.s3;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One in-process S3Mock server per test JVM (its first start takes seconds), path-style, region us-east-1,
 * storing under target/. Stopped when the JVM exits.
 */
final class S3TestServer {
    static final String ACCESS_KEY = "test-access-key";
    static final String SECRET_KEY = "test-secret-key";
    /** A KMS key S3Mock accepts for SSE-KMS. */
    static final String KMS_KEY_ID = "0f3a1c2e-backupkit-test";
    private static final String KMS_KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/" + KMS_KEY_ID;
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3TestServer instance;

    private final S3MockApplication app;
    private final URI endpoint;
    private final S3Client client;
    private final Path root;

    @SuppressWarnings("deprecation") // getHttpPort: STACK.md's tested way to find the random HTTP port
    private S3TestServer() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        root = Files.createTempDirectory(target, "s3mock-");
        app = S3MockApplication.start(new HashMap<String, Object>(Map.of(
                "http.port", 0, "server.port", 0, "server.address", "127.0.0.1", "secureConnection", false,
                "silent", true, "com.adobe.testing.s3mock.store.root", root.toString(),
                "com.adobe.testing.s3mock.store.valid-kms-keys", KMS_KEY_ARN)));
        endpoint = URI.create("http://127.0.0.1:" + app.getHttpPort());
        client = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "s3mock-stop"));
    }

    static synchronized S3TestServer get() {
        if (instance == null) {
            try {
                instance = new S3TestServer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    URI endpoint() {
        return endpoint;
    }

    int port() {
        return endpoint.getPort();
    }

    /** A client straight to the server, to look at what the provider stored. */
    S3Client client() {
        return client;
    }

    /** Creates a fresh, empty bucket with a unique name. */
    String newBucket() {
        String bucket = "test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /** A builder for a provider on a fresh bucket, talking straight to the server. */
    S3StorageProvider.Builder providerOnNewBucket() {
        return provider(newBucket(), endpoint);
    }

    /** A builder for a provider on the bucket, at the endpoint (the server or a proxy in front of it). */
    static S3StorageProvider.Builder provider(String bucket, URI endpoint) {
        return S3StorageProvider.builder().bucket(bucket).region("us-east-1").endpointOverride(endpoint)
                .pathStyleAccess(true).staticCredentials(ACCESS_KEY, SECRET_KEY);
    }

    private void stop() {
        client.close();
        app.stop();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: target/ is removed by mvn clean
        }
    }
}
