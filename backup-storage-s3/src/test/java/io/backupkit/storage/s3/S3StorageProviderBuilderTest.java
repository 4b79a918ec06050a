package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.RetryPolicy;
import io.backupkit.testkit.BuilderAssertions;
import java.lang.reflect.Proxy;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 14, acceptance 4: {@link S3StorageProvider.Builder} fails fast. A setter used to throw a
 * ConfigurationException and client-versus-connection conflicts surfaced only in build(); now a bad argument is an
 * IllegalArgumentException from its setter, a setting given twice or a conflicting one an IllegalStateException
 * naming both, and build() reports only what is missing. No S3 service is contacted.
 */
class S3StorageProviderBuilderTest {
    private static final BuilderAssertions<S3StorageProvider.Builder> S3 = BuilderAssertions.of(S3StorageProvider::builder);
    private static final S3Client CLIENT = stub(S3Client.class);
    private static final S3AsyncClient ASYNC = stub(S3AsyncClient.class);

    @Test
    void eachSettersBadArgumentFailsAtOnceNamingTheSettingAndTheValue() {
        S3.badArgument(b -> b.bucket("Not_A_Bucket"), "bucket", "Not_A_Bucket")
                .badArgument(b -> b.keyPrefix("a//b"), "keyPrefix")
                .badArgument(b -> b.region("EU Central"), "region", "EU Central")
                .badArgument(b -> b.endpointOverride(URI.create("ftp://host")), "endpointOverride", "ftp://host")
                .badArgument(b -> b.staticCredentials(" ", "secret"), "access key id")
                .badArgument(b -> b.staticCredentials("AKIA", " "), "secret access key")
                .badArgument(b -> b.staticCredentials("AKIA", "secret", ""), "session token")
                .badArgument(b -> b.profile(""), "profile")
                .badArgument(b -> b.sseKms(" "), "sseKms")
                .badArgument(b -> b.storageClass("COLD"), "storageClass", "COLD")
                .badArgument(b -> b.partSize(1024), "partSize", "1024")
                .badArgument(b -> b.partsInFlight(0), "partsInFlight", "0")
                .badArgument(b -> b.partsInFlight(33), "partsInFlight", "33");
    }

    @Test
    void anEndpointWithCredentialsIsRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> S3StorageProvider.builder().endpointOverride(URI.create("https://user:s3cret@minio.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpointOverride")
                .hasMessageContaining("must not contain credentials").hasMessageNotContaining("s3cret");
    }

    @Test
    void settingTheSameThingTwiceFailsNamingTheSetting() {
        S3.twice(b -> b.bucket("bucket-1"), "bucket")
                .twice(b -> b.keyPrefix("app"), "keyPrefix")
                .twice(b -> b.region("eu-central-1"), "region")
                .twice(b -> b.endpointOverride(URI.create("http://localhost:9000")), "endpointOverride")
                .twice(b -> b.pathStyleAccess(true), "pathStyleAccess")
                .twice(b -> b.storageClass("STANDARD_IA"), "storageClass")
                .twice(b -> b.partSize(8L << 20), "partSize")
                .twice(b -> b.partsInFlight(2), "partsInFlight")
                .twice(b -> b.verifyPartEtags(false), "verifyPartEtags")
                .twice(b -> b.retries(RetryPolicy.DEFAULT), "retries")
                .twice(b -> b.client(CLIENT), "client(...)");
    }

    @Test
    void theWaysOfGivingOneSettingConflictNamingBoth() {
        S3.conflict(b -> b.profile("backup"), b -> b.staticCredentials("AKIA", "secret"), "staticCredentials(...)", "profile(backup)")
                .conflict(b -> b.defaultCredentials(), b -> b.credentialsProvider(AnonymousCredentialsProvider.create()),
                        "credentialsProvider(...)", "defaultCredentials()")
                .conflict(b -> b.sseS3(), b -> b.sseKms("alias/backups"), "sseKms(alias/backups)", "sseS3()")
                .conflict(b -> b.sseKms(), b -> b.sseS3(), "sseS3()", "sseKms()")
                .conflict(b -> b.client(CLIENT), b -> b.asyncClient(ASYNC), "asyncClient(...)", "client(...)");
    }

    @Test
    void aHostClientConflictsWithConnectionSettingsAndRetriesInEitherOrder() {
        S3.conflict(b -> b.client(CLIENT), b -> b.region("eu-central-1"), "region(...)", "client(...)")
                .conflict(b -> b.asyncClient(ASYNC), b -> b.endpointOverride(URI.create("http://localhost:9000")),
                        "endpointOverride(...)", "asyncClient(...)")
                .conflict(b -> b.client(CLIENT), b -> b.pathStyleAccess(true), "pathStyleAccess(...)", "client(...)")
                .conflict(b -> b.client(CLIENT), b -> b.profile("backup"), "profile(backup)", "client(...)")
                .conflict(b -> b.region("eu-central-1"), b -> b.client(CLIENT), "client(...)", "region(...)")
                .conflict(b -> b.staticCredentials("AKIA", "secret"), b -> b.asyncClient(ASYNC), "asyncClient(...)",
                        "staticCredentials(...)")
                .conflict(b -> b.client(CLIENT), b -> b.retries(RetryPolicy.DEFAULT), "retries(...)", "client(...)")
                .conflict(b -> b.retries(RetryPolicy.DEFAULT), b -> b.client(CLIENT), "retries(...)", "client(...)");
    }

    @Test
    void buildReportsWhatIsMissingNamingTheSetterToCall() {
        S3.atBuild(b -> b.region("eu-central-1"), S3StorageProvider.Builder::build, "bucket(...)");
    }

    private static <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new UnsupportedOperationException("a stub client is never called by the builder");
        }));
    }
}
