package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.storage.RetryingStorageProvider;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Every failure a user can cause by configuration has a message that says what is wrong and what to do.
 * A missing bucket comes from S3Mock itself. S3Mock checks neither policies, signatures, keys nor regions, so
 * access denied, wrong region and bad credentials come from {@link FaultProxy} answering with the status, headers
 * and XML error body real S3 sends in those cases.
 */
class S3ErrorMessagesTest {
    private final S3TestServer server = S3TestServer.get();
    private FaultProxy proxy;
    private String bucket;
    private S3StorageProvider storage;

    @BeforeEach
    void setUp() throws IOException {
        proxy = new FaultProxy(server.endpoint());
        bucket = server.newBucket();
        storage = S3TestServer.provider(bucket, proxy.endpoint()).retries(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .build();
    }

    @AfterEach
    void tearDown() throws IOException {
        storage.close();
        proxy.close();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertPermanent(Throwable thrown) {
        assertThat(thrown).isInstanceOf(StorageException.class);
        assertThat(((StorageException) thrown).retryable()).as("retryable").isFalse();
        assertThat(thrown.getMessage()).doesNotContain(S3TestServer.SECRET_KEY).doesNotContain(S3TestServer.ACCESS_KEY);
        return assertThat(thrown);
    }

    private void putSmall(String key) {
        storage.put(key, ContentSource.of(new byte[] {1, 2, 3}));
    }

    @Test
    void missingBucketSaysSoForEveryVerb() {
        try (S3StorageProvider missing = S3TestServer.provider("no-such-bucket-here", server.endpoint()).build()) {
            String expected = "bucket 'no-such-bucket-here' does not exist in region us-east-1";
            for (Runnable call : new Runnable[] {
                    () -> missing.put("a/b", ContentSource.of(new byte[10])),
                    () -> missing.get("a/b"),
                    () -> missing.stat("a/b"),
                    () -> missing.list("a/").count(),
                    () -> missing.delete("a/b")}) {
                Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call::run);
                assertPermanent(thrown).hasMessageContaining(expected).hasMessageContaining("create it or fix the name")
                        .isNotInstanceOf(BlobNotFoundException.class)
                        .cause().isInstanceOf(AwsServiceException.class);
            }
        }
    }

    @Test
    void accessDeniedNamesTheActionKeyAndPermission() {
        proxy.plan(request -> request.isPutObject()
                ? FaultProxy.ErrorAnswer.of(403, "AccessDenied", "Access Denied") : FaultProxy.PASS);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> putSmall("shop/db.zst"));
        assertPermanent(thrown).hasMessageContaining("access denied")
                .hasMessageContaining("PutObject on s3://" + bucket + "/shop/db.zst")
                .hasMessageContaining("grant s3:PutObject on arn:aws:s3:::" + bucket + "/shop/db.zst");
        assertThat(proxy.log()).filteredOn(line -> line.startsWith("PUT")).hasSize(1); // not retried
    }

    @Test
    void accessDeniedOnHeadWithoutBodyStillNamesTheAction() {
        proxy.plan(request -> request.method().equals("HEAD")
                ? FaultProxy.ErrorAnswer.of(403, "AccessDenied", "Access Denied") : FaultProxy.PASS);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> storage.stat("shop/manifest.json"));
        assertPermanent(thrown).hasMessageContaining("access denied")
                .hasMessageContaining("HeadObject on s3://" + bucket + "/shop/manifest.json")
                .hasMessageContaining("s3:GetObject");
    }

    @Test
    void accessDeniedOnListNamesListBucket() {
        proxy.plan(request -> request.method().equals("GET") && request.query().contains("list-type=2")
                ? FaultProxy.ErrorAnswer.of(403, "AccessDenied", "Access Denied") : FaultProxy.PASS);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> storage.list("backups/").count());
        assertPermanent(thrown).hasMessageContaining("access denied").hasMessageContaining("ListObjectsV2")
                .hasMessageContaining("s3:ListBucket");
    }

    @Test
    void wrongRegionFromPermanentRedirectNamesTheRightRegion() {
        proxy.plan(request -> new FaultProxy.ErrorAnswer(301, "PermanentRedirect",
                "The bucket you are attempting to access must be addressed using the specified endpoint. Please"
                        + " send all future requests to this endpoint.",
                Map.of("x-amz-bucket-region", "eu-central-1"),
                "<Endpoint>" + bucket + ".s3.eu-central-1.amazonaws.com</Endpoint><Bucket>" + bucket + "</Bucket>"));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> putSmall("a/b"));
        assertPermanent(thrown).hasMessageContaining("bucket '" + bucket + "' is not in region us-east-1 but in"
                + " eu-central-1").hasMessageContaining("set region=eu-central-1");
    }

    @Test
    void wrongRegionOnHeadTakesTheRegionFromTheHeader() {
        proxy.plan(request -> new FaultProxy.ErrorAnswer(301, "PermanentRedirect", "",
                Map.of("x-amz-bucket-region", "ap-southeast-2"), ""));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> storage.stat("a/b"));
        assertPermanent(thrown).hasMessageContaining("not in region us-east-1 but in ap-southeast-2")
                .hasMessageContaining("set region=ap-southeast-2");
    }

    @Test
    void wrongRegionFromAuthorizationHeaderMalformedNamesTheRightRegion() {
        proxy.plan(request -> new FaultProxy.ErrorAnswer(400, "AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-3'",
                Map.of(), "<Region>eu-west-3</Region>"));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> storage.get("a/b"));
        assertPermanent(thrown).hasMessageContaining("not in region us-east-1 but in eu-west-3")
                .hasMessageContaining("set region=eu-west-3");
    }

    @Test
    void unknownAccessKeySaysToCheckTheCredentials() {
        proxy.plan(request -> FaultProxy.ErrorAnswer.of(403, "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records."));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> putSmall("a/b"));
        assertPermanent(thrown).hasMessageContaining("S3 does not know the access key id")
                .hasMessageContaining("check the access key");
    }

    @Test
    void wrongSecretKeySaysTheSignatureDoesNotMatch() {
        proxy.plan(request -> FaultProxy.ErrorAnswer.of(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and"
                        + " signing method."));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> storage.list("").count());
        assertPermanent(thrown).hasMessageContaining("rejected the request signature")
                .hasMessageContaining("secret access key does not belong to the access key id");
    }

    @Test
    void permanentClientErrorIsNotRetried() {
        proxy.plan(request -> request.isPutObject()
                ? FaultProxy.ErrorAnswer.of(400, "InvalidStorageClass", "The storage class you specified is not valid")
                : FaultProxy.PASS);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> putSmall("a/b"));
        assertPermanent(thrown).hasMessageContaining("PutObject of s3://" + bucket + "/a/b failed")
                .hasMessageContaining("400 InvalidStorageClass");
        assertThat(proxy.log()).filteredOn(line -> line.startsWith("PUT")).hasSize(1);
    }

    @Test
    void throttlingIsRetryableWhenItDoesNotStop() {
        proxy.plan(request -> FaultProxy.ErrorAnswer.of(503, "SlowDown", "Please reduce your request rate."));
        Throwable alone = org.assertj.core.api.Assertions.catchThrowable(() -> storage.get("a/b"));
        assertThat(alone).isInstanceOf(StorageException.class).hasMessageContaining("503 SlowDown")
                .hasMessageContaining("transient");
        assertThat(((StorageException) alone).retryable()).isTrue();
        assertThat(proxy.log()).as("a read is one request: the engine's retry wrapper retries it").hasSize(1);

        StorageProvider wrapped = RetryingStorageProvider.wrap(storage, new RetryPolicy(3, Duration.ofMillis(1),
                Duration.ofMillis(5)));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> wrapped.get("a/b"));
        assertThat(thrown).isInstanceOf(StorageException.class).hasMessageContaining("failed after 3 attempts")
                .hasMessageContaining("503 SlowDown");
        assertThat(((StorageException) thrown).retryable()).isTrue();
        assertThat(proxy.log()).hasSize(1 + 3);
    }

    @Test
    void unreachableEndpointIsRetryableAndNamesTheEndpoint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        try (S3StorageProvider unreachable = S3TestServer.provider(bucket, nowhere)
                .retries(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2))).build()) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> unreachable.stat("a/b"));
            assertThat(thrown).isInstanceOf(StorageException.class)
                    .hasMessageContaining("could not talk to S3 at " + nowhere)
                    .cause().isInstanceOf(SdkClientException.class);
            assertThat(((StorageException) thrown).retryable()).isTrue();
        }
    }

    @Test
    void credentialsAppearNowhere() {
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        // credentials may be set once (issue 14), so not on top of S3TestServer.provider's own
        S3StorageProvider.Builder builder = S3StorageProvider.builder().bucket(bucket).region("us-east-1")
                .endpointOverride(server.endpoint()).pathStyleAccess(true)
                .staticCredentials("AKIAIOSFODNN7EXAMPLE", secret);
        try (S3StorageProvider provider = builder.build()) {
            assertThat(provider.toString()).doesNotContain(secret).doesNotContain("AKIAIOSFODNN7EXAMPLE");
            assertThat(provider.description()).isEqualTo("s3://" + bucket + "/ (region us-east-1, endpoint "
                    + server.endpoint() + ")");
            assertThat(builder.toString()).doesNotContain(secret).doesNotContain("AKIAIOSFODNN7EXAMPLE");
        }
        assertThatThrownBy(() -> new S3StorageProviderFactory().create(
                URI.create("s3://AKIAIOSFODNN7EXAMPLE:" + secret.replace("/", "%2F") + "@" + bucket + "/x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("contains credentials")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("AKIAIOSFODNN7EXAMPLE").doesNotContain("wJalr"));
    }
}
