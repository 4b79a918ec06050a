package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** {@code s3:} URIs: every parameter, the mistakes users make, and a provider that works through a named profile. */
class S3StorageProviderFactoryTest {
    private static final S3TestServer SERVER = S3TestServer.get();
    private static String previousCredentialsFile;

    @BeforeAll
    static void writeProfile() throws IOException {
        Path file = Path.of("target", "aws-test-credentials").toAbsolutePath();
        Files.writeString(file, "[backupkit-test]\naws_access_key_id = " + S3TestServer.ACCESS_KEY
                + "\naws_secret_access_key = " + S3TestServer.SECRET_KEY + "\n");
        previousCredentialsFile = System.setProperty("aws.sharedCredentialsFile", file.toString());
    }

    @AfterAll
    static void restoreProfile() {
        if (previousCredentialsFile == null) {
            System.clearProperty("aws.sharedCredentialsFile");
        } else {
            System.setProperty("aws.sharedCredentialsFile", previousCredentialsFile);
        }
    }

    private static String endpointParameters() {
        return "region=us-east-1&pathStyle=true&profile=backupkit-test&endpoint=" + SERVER.endpoint();
    }

    @Test
    void isFoundByServiceLoaderForTheS3Scheme() {
        assertThat(ServiceLoader.load(StorageProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(factory -> factory.scheme().equals("s3"))).hasSize(1)
                .allMatch(factory -> factory instanceof S3StorageProviderFactory);
    }

    @Test
    void providerFromUriWithProfileStoresUnderThePrefix() throws IOException {
        String bucket = SERVER.newBucket();
        URI uri = URI.create("s3://" + bucket + "/shop/prod?" + endpointParameters());
        try (StorageProvider storage = new S3StorageProviderFactory().create(uri)) {
            storage.put("backups/x", ContentSource.of(new byte[] {7}));
            assertThat(storage.description()).startsWith("s3://" + bucket + "/shop/prod/ (region us-east-1");
        }
        assertThat(SERVER.client().getObjectAsBytes(b -> b.bucket(bucket).key("shop/prod/backups/x")).asByteArray())
                .containsExactly(7);
    }

    @Test
    void everyParameterIsApplied() {
        S3StorageProvider.Builder builder = S3StorageProviderFactory.builderFor(URI.create(
                "s3://my-bucket/a/b/?region=eu-central-1&endpoint=http://127.0.0.1:9000&pathStyle=true"
                        + "&sse=aws:kms&kmsKeyId=alias/backups&storageClass=standard_ia&partSize=32MiB"
                        + "&partsInFlight=6&maxAttempts=9&profile=p"));
        try (S3StorageProvider provider = builder.build()) {
            S3Settings settings = provider.settings();
            assertThat(settings.bucket()).isEqualTo("my-bucket");
            assertThat(settings.keyPrefix()).isEqualTo("a/b/");
            assertThat(settings.encryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
            assertThat(settings.kmsKeyId()).isEqualTo("alias/backups");
            assertThat(settings.storageClass()).isEqualTo(StorageClass.STANDARD_IA);
            assertThat(settings.partSize()).isEqualTo(32 * 1024 * 1024);
            assertThat(settings.partsInFlight()).isEqualTo(6);
            assertThat(provider.writeRetries()).isEqualTo(RetryPolicy.builder().maxAttempts(9).build());
            assertThat(provider.description()).isEqualTo("s3://my-bucket/a/b/ (region eu-central-1, endpoint"
                    + " http://127.0.0.1:9000)");
        }
    }

    @Test
    void mistakesInTheUriSayWhatToChange() {
        S3StorageProviderFactory factory = new S3StorageProviderFactory();
        assertThatThrownBy(() -> factory.create(URI.create("s3:///prefix"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names no bucket");
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/x?regoin=eu-west-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown parameter 'regoin'")
                .hasMessageContaining("region");
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/x?secretKey=abc")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("credentials never go in the URI")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abc"));
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/x?partSize=1MiB&region=us-east-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("part size must be between 5242880");
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/x?pathStyle=yes")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must be true or false");
        assertThatThrownBy(() -> factory.create(URI.create("s3://Bucket_Name/x?region=us-east-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("invalid S3 bucket name");
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/../etc?region=us-east-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("invalid S3 key prefix");
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/x?storageClass=COLD&region=us-east-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown S3 storage class 'COLD'");
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/x?sse=rot13&region=us-east-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown sse 'rot13'");
    }

    @Test
    void missingBucketFailsTheFactoryWithAConfigurationError() {
        URI uri = URI.create("s3://no-such-bucket-here/app?" + endpointParameters());
        assertThatThrownBy(() -> new S3StorageProviderFactory().create(uri))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bucket 'no-such-bucket-here' does not exist in region us-east-1")
                .hasMessageContaining("create it or fix the name");
    }

    @Test
    void unknownProfileFailsTheFactoryWithACredentialsHint() {
        String bucket = SERVER.newBucket();
        URI uri = URI.create("s3://" + bucket + "/app?region=us-east-1&pathStyle=true&profile=no-such-profile&endpoint="
                + SERVER.endpoint());
        assertThatThrownBy(() -> new S3StorageProviderFactory().create(uri))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no AWS credentials could be loaded")
                .hasMessageContaining("no-such-profile")
                .hasMessageContaining("configure static keys, a named profile, or the default chain");
    }

    @Test
    void checkFalseSkipsTheBucketCheck() {
        URI uri = URI.create("s3://no-such-bucket-here/app?check=false&" + endpointParameters());
        try (StorageProvider storage = new S3StorageProviderFactory().create(uri)) {
            assertThat(storage.description()).contains("no-such-bucket-here");
        }
    }

    @Test
    void sizesFollowTheOneSizeSyntax() {
        assertThat(S3StorageProviderFactory.parseSize("partSize", "16MiB")).isEqualTo(16L << 20);
        assertThat(S3StorageProviderFactory.parseSize("partSize", "16MB")).isEqualTo(16_000_000L);
        assertThat(S3StorageProviderFactory.parseSize("partSize", "1GiB")).isEqualTo(1L << 30);
        assertThat(S3StorageProviderFactory.parseSize("partSize", "5242880")).isEqualTo(5242880L);
        assertThatThrownBy(() -> S3StorageProviderFactory.parseSize("partSize", "lots"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("parameter 'partSize' in the s3: URI")
                .hasMessageContaining("KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)");
        assertThatThrownBy(() -> S3StorageProviderFactory.parseSize("partSize", "16M"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("write MB (1000) or MiB (1024)");
        try (S3StorageProvider provider = S3StorageProviderFactory.builderFor(URI.create(
                "s3://my-bucket/?region=eu-central-1&partSize=8MB")).build()) {
            assertThat(provider.settings().partSize()).isEqualTo(8_000_000);
        }
    }

    @Test
    void maxAttemptsMeansWhatItMeansEverywhere() {
        assertThatThrownBy(() -> S3StorageProviderFactory.builderFor(URI.create("s3://my-bucket/?maxAttempts=0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("parameter 'maxAttempts'")
                .hasMessageContaining("including the first");
        try (S3StorageProvider provider = S3StorageProviderFactory.builderFor(URI.create(
                "s3://my-bucket/?region=eu-central-1")).build()) {
            assertThat(provider.writeRetries()).isEqualTo(RetryPolicy.DEFAULT);
        }
    }
}
