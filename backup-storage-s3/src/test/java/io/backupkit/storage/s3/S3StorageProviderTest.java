package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** S3-specific behaviour beyond the shared contract: what lands in the bucket, and how. */
class S3StorageProviderTest {
    private static final int PART = S3StorageProvider.Builder.MIN_PART_SIZE;
    private final S3TestServer server = S3TestServer.get();

    private HeadObjectResponse head(String bucket, String key) {
        return server.client().headObject(b -> b.bucket(bucket).key(key));
    }

    @Test
    void keyPrefixKeepsProvidersApartInOneBucket() {
        String bucket = server.newBucket();
        try (S3StorageProvider shop = S3TestServer.provider(bucket, server.endpoint()).keyPrefix("shop/").build();
             S3StorageProvider blog = S3TestServer.provider(bucket, server.endpoint()).keyPrefix("blog").build()) {
            shop.put("backups/1", ContentSource.of(new byte[] {1}));
            blog.put("backups/1", ContentSource.of(new byte[] {2, 2}));
            assertThat(shop.list("").map(BlobInfo::key)).containsExactly("backups/1");
            assertThat(shop.stat("backups/1")).map(BlobInfo::size).contains(1L);
            assertThat(blog.stat("backups/1")).map(BlobInfo::size).contains(2L);
            shop.delete("backups/1");
            assertThat(blog.stat("backups/1")).isPresent();
        }
        assertThat(server.client().listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(o -> o.key()).containsExactly("blog/backups/1");
    }

    @Test
    void smallObjectIsOnePutAndLargeOneIsMultipartWithPartChecksums() throws IOException {
        String bucket = server.newBucket();
        List<FaultProxy.Request> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FaultProxy proxy = new FaultProxy(server.endpoint());
             S3StorageProvider storage = S3TestServer.provider(bucket, proxy.endpoint()).partSize(PART).build()) {
            proxy.plan(request -> {
                seen.add(request);
                return FaultProxy.PASS;
            });
            byte[] small = SeededContent.bytes(1, PART - 1);
            storage.put("one/put", ContentSource.once(new java.io.ByteArrayInputStream(small)));
            assertThat(seen).filteredOn(FaultProxy.Request::isPutObject).singleElement()
                    .satisfies(put -> {
                        assertThat(put.header("x-amz-checksum-crc32c")).isEqualTo(MultipartWriter.crc32c(small, small.length));
                        assertThat(put.header("content-md5")).isEqualTo(Base64.getEncoder()
                                .encodeToString(MultipartWriter.md5(small, small.length)));
                    });
            assertThat(head(bucket, "one/put").eTag()).doesNotContain("-");

            seen.clear();
            storage.put("multi/part", SeededContent.source(2, 2L * PART + 1, false));
            assertThat(seen).filteredOn(FaultProxy.Request::isUploadPart).hasSize(3)
                    .allSatisfy(part -> {
                        assertThat(part.header("x-amz-checksum-crc32c")).isNotBlank();
                        assertThat(part.header("content-md5")).isNotBlank();
                    });
            assertThat(seen).filteredOn(r -> r.method().equals("POST") && r.query().startsWith("uploads"))
                    .singleElement().satisfies(create ->
                            assertThat(create.header("x-amz-checksum-algorithm")).isEqualTo("CRC32C"));
            assertThat(head(bucket, "multi/part").eTag()).endsWith("-3\"");
        }
    }

    @Test
    void partsGoUpInParallelButNeverMoreThanPartsInFlight() throws IOException {
        String bucket = server.newBucket();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        try (FaultProxy proxy = new FaultProxy(server.endpoint());
             S3StorageProvider storage = S3TestServer.provider(bucket, proxy.endpoint()).partSize(PART)
                     .partsInFlight(3).build()) {
            // Each part is held until four parts are in flight, or a second has passed: with a bound of three
            // the fourth never comes while three are held, and without parallelism the second never comes.
            java.util.concurrent.CountDownLatch fourInFlight = new java.util.concurrent.CountDownLatch(4);
            proxy.plan(request -> {
                if (request.isUploadPart()) {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    fourInFlight.countDown();
                    try {
                        fourInFlight.await(1, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                }
                return FaultProxy.PASS;
            });
            storage.put("parallel/object", SeededContent.source(3, 8L * PART, false));
            assertThat(SeededContent.sha256(storage.get("parallel/object"))).isEqualTo(SeededContent.sha256(3, 8L * PART));
        }
        assertThat(maxRunning.get()).as("parts in flight at once").isBetween(2, 3);
    }

    @Test
    void serverSideEncryptionAndStorageClassAreRequestedForSingleAndMultipartPuts() throws IOException {
        String bucket = server.newBucket();
        List<FaultProxy.Request> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FaultProxy proxy = new FaultProxy(server.endpoint());
             S3StorageProvider sseS3 = S3TestServer.provider(bucket, proxy.endpoint()).partSize(PART).sseS3()
                     .storageClass("standard_ia").build();
             S3StorageProvider sseKms = S3TestServer.provider(bucket, proxy.endpoint()).partSize(PART)
                     .sseKms(S3TestServer.KMS_KEY_ID).build()) {
            proxy.plan(request -> {
                if (request.isPutObject() || request.method().equals("POST") && request.query().startsWith("uploads")) {
                    seen.add(request);
                }
                return FaultProxy.PASS;
            });
            sseS3.put("s3/small", ContentSource.of(new byte[100]));
            sseS3.put("s3/multi", SeededContent.source(4, PART + 1, false));
            sseKms.put("kms/small", ContentSource.of(new byte[100]));
            sseKms.put("kms/multi", SeededContent.source(5, PART + 1, false));
            assertThat(SeededContent.sha256(sseKms.get("kms/multi"))).isEqualTo(SeededContent.sha256(5, PART + 1));
        }
        assertThat(seen).hasSize(4);
        assertThat(seen).filteredOn(r -> r.path().contains("/s3/")).hasSize(2).allSatisfy(r -> {
            assertThat(r.header("x-amz-server-side-encryption")).isEqualTo("AES256");
            assertThat(r.header("x-amz-storage-class")).isEqualTo("STANDARD_IA");
        });
        assertThat(seen).filteredOn(r -> r.path().contains("/kms/")).hasSize(2).allSatisfy(r -> {
            assertThat(r.header("x-amz-server-side-encryption")).isEqualTo("aws:kms");
            assertThat(r.header("x-amz-server-side-encryption-aws-kms-key-id")).isEqualTo(S3TestServer.KMS_KEY_ID);
        });
        // S3Mock keeps SSE only for single PUTs, so the stored side is checked there only.
        assertThat(head(bucket, "kms/small").serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
    }

    @Test
    void hostsOwnAsyncClientWorksAndStaysOpen() throws IOException {
        String bucket = server.newBucket();
        try (S3AsyncClient async = S3AsyncClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY))).build()) {
            try (S3StorageProvider storage = S3StorageProvider.builder().bucket(bucket).asyncClient(async)
                    .partSize(PART).build()) {
                long size = 2L * PART + 77;
                storage.put("async/multi", SeededContent.source(6, size, false));
                storage.put("async/small", ContentSource.of(new byte[] {9}));
                assertThat(SeededContent.sha256(storage.get("async/multi"))).isEqualTo(SeededContent.sha256(6, size));
                try (InputStream in = storage.get("async/multi", ByteRange.of(PART - 3, 10))) {
                    assertThat(SeededContent.sha256(in)).isEqualTo(SeededContent.sha256(6, PART - 3, 10));
                }
                try (Stream<BlobInfo> list = storage.list("async/")) {
                    assertThat(list.map(BlobInfo::key).collect(Collectors.toSet()))
                            .containsExactlyInAnyOrder("async/multi", "async/small");
                }
                assertThat(storage.stat("async/none")).isEmpty();
                assertThatThrownBy(() -> storage.get("async/none")).isInstanceOf(BlobNotFoundException.class);
                storage.delete("async/small");
                assertThat(storage.stat("async/small")).isEmpty();
                assertThat(storage.description()).contains("region us-east-1");
            }
            assertThat(async.listBuckets().join().buckets()).as("client still usable after close").isNotEmpty();
        }
    }

    @Test
    void hostsOwnSyncClientStaysOpen() {
        String bucket = server.newBucket();
        S3Client client = server.client();
        try (S3StorageProvider storage = S3StorageProvider.builder().bucket(bucket).client(client).build()) {
            storage.put("x", ContentSource.of(new byte[] {1}));
        }
        assertThat(client.headObject(b -> b.bucket(bucket).key("x")).contentLength()).isEqualTo(1L);
    }

    @Test
    void closingAReadEarlyDoesNotSpoilLaterReads() throws IOException {
        String bucket = server.newBucket();
        try (S3StorageProvider storage = S3TestServer.provider(bucket, server.endpoint()).build()) {
            storage.put("big", SeededContent.source(7, 3L * PART));
            for (int i = 0; i < 20; i++) { // more than the connection pool would survive if connections leaked
                try (InputStream in = storage.get("big")) {
                    assertThat(in.readNBytes(100)).hasSize(100);
                }
            }
            assertThat(SeededContent.sha256(storage.get("big"))).isEqualTo(SeededContent.sha256(7, 3L * PART));
        }
    }

    @Test
    void keyTooLongForS3BehindThePrefixIsRejectedBeforeAnyIo() {
        try (S3StorageProvider storage = S3TestServer.provider("never-contacted", server.endpoint())
                .keyPrefix("some/prefix").build()) {
            String key = "k".repeat(254) + "/" + "k".repeat(254) + "/" + "k".repeat(254) + "/" + "k".repeat(254);
            assertThatThrownBy(() -> storage.put(key, ContentSource.of(new byte[1])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long for S3");
        }
    }

    @Test
    void builderFailsFastWithPreciseMessages() {
        assertThatThrownBy(() -> S3StorageProvider.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no S3 bucket configured");
        // issue 14: a bad argument is an IllegalArgumentException from the setter (it was a ConfigurationException)
        assertThatThrownBy(() -> S3StorageProvider.builder().partSize(1024)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("part size must be between");
        assertThatThrownBy(() -> S3StorageProvider.builder().partsInFlight(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parts in flight must be between 1 and");
        assertThatThrownBy(() -> S3StorageProvider.builder().region("EU Central"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid AWS region");
        assertThatThrownBy(() -> S3StorageProvider.builder().endpointOverride(java.net.URI.create("ftp://host")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid S3 endpoint");
        assertThatThrownBy(() -> S3StorageProvider.builder().staticCredentials("AKIA", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret access key is empty");
        assertThatThrownBy(() -> S3StorageProvider.builder().retries(RetryPolicy.DEFAULT).retries(RetryPolicy.NONE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("S3 retries were already set");
        assertThatThrownBy(() -> S3StorageProvider.builder().retries(RetryPolicy.DEFAULT).client(server.client()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("keeps its own retry settings");
        assertThatThrownBy(() -> S3StorageProvider.builder().client(server.client()).retries(RetryPolicy.DEFAULT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("retries(...) and client(...) conflict");
        // issue 14: a conflict is an IllegalStateException from the second setter (it was a ConfigurationException from build())
        assertThatThrownBy(() -> S3StorageProvider.builder().bucket("b-1").client(server.client()).region("us-east-1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure them on that client");
    }

    @Test
    void abortStaleUploadsCountsNothingWhenNothingIsStale() {
        String bucket = server.newBucket();
        try (S3StorageProvider storage = S3TestServer.provider(bucket, server.endpoint()).build()) {
            assertThat(storage.abortStaleUploads(Duration.ofDays(1))).isZero();
        }
    }

    @Test
    void concurrentLargeUploadsEachKeepTheirOwnParts() throws Exception {
        String bucket = server.newBucket();
        ConcurrentHashMap<Integer, String> expected = new ConcurrentHashMap<>();
        try (S3StorageProvider storage = S3TestServer.provider(bucket, server.endpoint()).partSize(PART)
                .partsInFlight(2).build()) {
            List<Thread> threads = new java.util.ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                long size = 2L * PART + 1000L * n;
                expected.put(n, SeededContent.sha256(100 + n, size));
                Thread thread = new Thread(() -> {
                    try {
                        storage.put("concurrent/" + n, SeededContent.source(100 + n, size, false));
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            for (int i = 0; i < 4; i++) {
                assertThat(SeededContent.sha256(storage.get("concurrent/" + i))).isEqualTo(expected.get(i));
            }
        }
    }
}
