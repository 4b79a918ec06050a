package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads through {@link FaultProxy}: transient faults (connection resets in the middle of a part, 500, 503
 * SlowDown, a corrupted part) are retried and the object arrives intact; faults that never stop fail the put with
 * their cause and leave no multipart upload open.
 */
class S3FaultToleranceTest {
    private static final int PART = S3StorageProvider.Builder.MIN_PART_SIZE;
    private static final Pattern PART_NUMBER = Pattern.compile("partNumber=(\\d+)");

    private final S3TestServer server = S3TestServer.get();
    private FaultProxy proxy;
    private String bucket;
    private S3StorageProvider storage;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new FaultProxy(server.endpoint());
        bucket = server.newBucket();
        storage = S3TestServer.provider(bucket, proxy.endpoint()).partSize(PART).partsInFlight(3)
                .retries(new RetryPolicy(6, Duration.ofMillis(5), Duration.ofMillis(50))).build();
    }

    @AfterEach
    void stopProxy() throws IOException {
        storage.close();
        proxy.close();
    }

    /** How many times this request (by kind and part number) was seen, counting this one. */
    private int attempt(FaultProxy.Request request) {
        Matcher part = PART_NUMBER.matcher(request.query());
        String kind = request.method() + (part.find() ? " part " + part.group(1)
                : request.query().startsWith("uploads") ? " create" : request.query().startsWith("uploadId") ? " complete" : " " + request.path());
        return attempts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    private static int partNumber(FaultProxy.Request request) {
        Matcher part = PART_NUMBER.matcher(request.query());
        return part.find() ? Integer.parseInt(part.group(1)) : 0;
    }

    @Test
    void uploadSurvivesResetsMidPartServerErrorsAndSlowDown() {
        long size = 5L * PART + 12_345; // six parts
        proxy.plan(request -> {
            int attempt = attempt(request);
            if (request.method().equals("POST") && request.query().startsWith("uploads") && attempt == 1) {
                return FaultProxy.ErrorAnswer.of(503, "SlowDown", "Please reduce your request rate.");
            }
            if (request.isUploadPart()) {
                int part = partNumber(request);
                if (part == 2 && attempt <= 2) {
                    return new FaultProxy.Reset(PART / 2); // connection reset in the middle of the part, twice
                }
                if (part == 3 && attempt == 1) {
                    return FaultProxy.ErrorAnswer.of(503, "SlowDown", "Please reduce your request rate.");
                }
                if (part == 4 && attempt <= 2) {
                    return FaultProxy.ErrorAnswer.of(500, "InternalError", "We encountered an internal error. Please try again.");
                }
                if (part == 6 && attempt == 1) {
                    return new FaultProxy.Reset(100);
                }
            }
            if (request.method().equals("POST") && request.query().startsWith("uploadId") && attempt == 1) {
                return FaultProxy.ErrorAnswer.of(500, "InternalError", "We encountered an internal error. Please try again.");
            }
            return FaultProxy.PASS;
        });

        storage.put("faults/dump.zst", ContentSource.once(SeededContent.stream(42, size))); // unknown length, once

        assertThat(proxy.log()).anyMatch(line -> line.contains("partNumber=2") && line.contains("reset after"))
                .anyMatch(line -> line.contains("partNumber=3") && line.contains("503 SlowDown"))
                .anyMatch(line -> line.contains("partNumber=4") && line.contains("500 InternalError"));
        assertThat(storage.stat("faults/dump.zst")).map(BlobInfo::size).contains(size);
        assertThat(SeededContent.sha256(storage.get("faults/dump.zst"))).isEqualTo(SeededContent.sha256(42, size));
        assertThat(openUploads()).isZero();
    }

    @Test
    void singlePutSurvivesSlowDownAndReset() {
        AtomicInteger puts = new AtomicInteger();
        proxy.plan(request -> {
            if (!request.isPutObject()) {
                return FaultProxy.PASS;
            }
            return switch (puts.incrementAndGet()) {
                case 1 -> FaultProxy.ErrorAnswer.of(503, "SlowDown", "Please reduce your request rate.");
                case 2 -> new FaultProxy.Reset(1_000);
                default -> FaultProxy.PASS;
            };
        });
        byte[] content = SeededContent.bytes(7, 100_000);
        storage.put("small/object", ContentSource.once(new java.io.ByteArrayInputStream(content)));
        assertThat(puts.get()).isEqualTo(3);
        try (InputStream in = storage.get("small/object")) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void partCorruptedOnTheWayIsRejectedByItsChecksumAndSentAgain() {
        long size = 2L * PART + 99;
        proxy.plan(request -> request.isUploadPart() && partNumber(request) == 2 && attempt(request) == 1
                ? new FaultProxy.Corrupt(1_234_567) : FaultProxy.PASS);
        storage.put("corrupt/object", SeededContent.source(3, size, false));
        assertThat(proxy.log()).anyMatch(line -> line.contains("partNumber=2") && line.contains("flipped"));
        assertThat(SeededContent.sha256(storage.get("corrupt/object"))).isEqualTo(SeededContent.sha256(3, size));
        assertThat(attempts.get("PUT part 2").get()).as("attempts of part 2").isEqualTo(2);
    }

    @Test
    void lostAnswerToCompleteMultipartUploadIsRecognisedOnRetry() {
        long size = 2L * PART + 5;
        proxy.plan(request -> request.method().equals("POST") && request.query().startsWith("uploadId")
                && attempt(request) == 1 ? new FaultProxy.LoseAnswer() : FaultProxy.PASS);
        storage.put("lost/answer", SeededContent.source(4, size, false));
        assertThat(proxy.log()).anyMatch(line -> line.startsWith("POST") && line.contains("answer lost"));
        assertThat(attempts.get("POST complete").get()).isEqualTo(2);
        assertThat(SeededContent.sha256(storage.get("lost/answer"))).isEqualTo(SeededContent.sha256(4, size));
        assertThat(openUploads()).isZero();
    }

    @Test
    void endlessSlowDownFailsThePutWithItsCauseAndLeavesNoUploadOpen() {
        proxy.plan(request -> request.isUploadPart() && partNumber(request) == 2 && attempt(request) > 0
                ? FaultProxy.ErrorAnswer.of(503, "SlowDown", "Please reduce your request rate.") : FaultProxy.PASS);
        assertThatThrownBy(() -> storage.put("endless/slowdown", SeededContent.source(5, 3L * PART, false)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("UploadPart").hasMessageContaining("s3://" + bucket + "/endless/slowdown")
                .hasMessageContaining("503 SlowDown")
                .satisfies(e -> assertThat(((StorageException) e).retryable()).isTrue())
                .cause().isInstanceOf(S3Exception.class)
                .satisfies(cause -> assertThat(((S3Exception) cause).statusCode()).isEqualTo(503));
        assertThat(attempts.get("PUT part 2").get()).as("attempts of part 2").isEqualTo(6);
        assertThat(openUploads()).isZero();
        assertThat(storage.stat("endless/slowdown")).isEmpty();
        assertThat(proxy.log()).anyMatch(line -> line.startsWith("DELETE") && line.contains("uploadId="));
    }

    @Test
    void endlessConnectionResetsFailThePutAsRetryableAndLeaveNoUploadOpen() {
        proxy.plan(request -> request.isUploadPart() ? new FaultProxy.Reset(PART / 3) : FaultProxy.PASS);
        assertThatThrownBy(() -> storage.put("endless/reset", SeededContent.source(6, 2L * PART, true)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("could not talk to S3")
                .satisfies(e -> assertThat(((StorageException) e).retryable()).isTrue())
                .cause().isInstanceOf(SdkClientException.class);
        assertThat(openUploads()).isZero();
        assertThat(storage.stat("endless/reset")).isEmpty();
    }

    @Test
    void sourceFailingInTheMiddleAbortsTheUpload() {
        long failAt = 2L * PART + 17;
        InputStream failing = new InputStream() {
            private final InputStream content = SeededContent.stream(9, 10L * PART);
            private long position;

            @Override
            public int read() throws IOException {
                throw new IOException("not used");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= failAt) {
                    throw new IOException("database connection lost");
                }
                int n = content.read(b, off, (int) Math.min(len, failAt - position));
                position += n;
                return n;
            }
        };
        assertThatThrownBy(() -> storage.put("broken/source", ContentSource.once(failing, OptionalLong.empty())))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("database connection lost")
                .hasMessageContaining("nothing was stored");
        assertThat(openUploads()).isZero();
        assertThat(storage.stat("broken/source")).isEmpty();
        assertThat(proxy.log()).anyMatch(line -> line.startsWith("POST") && line.contains("?uploads"))
                .anyMatch(line -> line.startsWith("DELETE") && line.contains("uploadId="));
    }

    @Test
    void abortStaleUploadsRemovesUploadsLeftBehindUnderThePrefixOnly() {
        var client = server.client();
        String mine = client.createMultipartUpload(b -> b.bucket(bucket).key("shop/crashed.zst")).uploadId();
        client.createMultipartUpload(b -> b.bucket(bucket).key("other-app/running.zst"));
        try (S3StorageProvider prefixed = S3TestServer.provider(bucket, server.endpoint()).keyPrefix("shop").build()) {
            assertThat(prefixed.abortStaleUploads(Duration.ofHours(1))).as("younger than an hour").isZero();
            assertThat(prefixed.abortStaleUploads(Duration.ZERO)).isEqualTo(1);
        }
        assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .extracting(u -> u.key()).containsExactly("other-app/running.zst");
        assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .noneMatch(u -> u.uploadId().equals(mine));
    }

    private int openUploads() {
        return server.client().listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
    }
}
