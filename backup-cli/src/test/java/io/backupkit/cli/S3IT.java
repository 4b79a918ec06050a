package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.S3MockApplication;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The commands against S3 (an in-process S3Mock server), credentials from the standard AWS environment variables. */
class S3IT {
    private static final String ACCESS_KEY = "cli-test-access";
    private static final String SECRET_KEY = "cli-test-secret-9f8e7d";
    private static S3MockApplication server;
    private static S3Client client;
    private static URI endpoint;

    @TempDir
    static Path s3root;

    @TempDir
    Path work;

    @BeforeAll
    static void startS3() {
        // S3Mock is a Spring Boot app that wants logback; the tests log through slf4j-simple.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        server = S3MockApplication.start(new HashMap<String, Object>(Map.of("http.port", 0, "server.port", 0,
                "server.address", "127.0.0.1", "secureConnection", false, "silent", true,
                "com.adobe.testing.s3mock.store.root", s3root.toString())));
        endpoint = URI.create("http://127.0.0.1:" + server.getHttpPort());
        client = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stopS3() {
        client.close();
        server.stop();
    }

    @Test
    void fullBackupOnS3ListVerifyExportRestore() throws Exception {
        client.createBucket(b -> b.bucket("cli-backups"));
        Samples.createShop("jdbc:sqlite:" + work.resolve("app.db"), 5, 12);
        Samples.createMedia(work.resolve("media"));
        Map<String, String> rows = Samples.fingerprint("jdbc:sqlite:" + work.resolve("app.db"));
        Map<String, String> files = Samples.files(work.resolve("media"));
        String storage = "s3://cli-backups/app?endpoint=" + endpoint + "&pathStyle=true&region=us-east-1";
        Cli cli = new Cli(work).env("AWS_ACCESS_KEY_ID", ACCESS_KEY).env("AWS_SECRET_ACCESS_KEY", SECRET_KEY);

        Cli.Result backup = cli.ok("backup", "--storage", storage, "--db", "jdbc:sqlite:app.db", "--files", "media",
                "--verbose");
        String id = backup.out().strip();
        assertThat(client.listObjectsV2(b -> b.bucket("cli-backups").prefix("app/backups/" + id + "/")).contents())
                .anySatisfy(o -> assertThat(o.key()).endsWith("/manifest.json"));
        JsonNode list = cli.ok("list", "--storage", storage, "--json").json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("id").asText()).isEqualTo(id);
        Cli.Result verify = cli.ok("verify", id, "--storage", storage);
        assertThat(verify.out()).startsWith("ok: ");

        cli.ok("export", id, "copy.tar", "--storage", storage);
        assertThat(cli.ok("import", "copy.tar", "--storage", "file:./local").out().strip()).isEqualTo(id);

        Cli.Result restore = cli.ok("restore", id, "--storage", storage, "--db", "jdbc:sqlite:restored.db", "--files-to",
                "restored-media", "--force");
        assertThat(Samples.fingerprint("jdbc:sqlite:" + work.resolve("restored.db"))).isEqualTo(rows);
        assertThat(Samples.files(work.resolve("restored-media"))).isEqualTo(files);

        Cli.Result stats = cli.ok("stats", "--storage", storage, "--json");
        assertThat(stats.json().get("totalBackups").asLong()).isEqualTo(1);   // nothing was overwritten: no safety backup
        assertThat(stats.json().get("backupsByType").get("FULL").asLong()).isEqualTo(1);
        for (Cli.Result r : List.of(backup, verify, restore, stats)) {
            assertThat(r.out() + r.err()).doesNotContain(SECRET_KEY);
        }
        cli.ok("delete", id, "--storage", storage, "--force");
        assertThat(client.listObjectsV2(b -> b.bucket("cli-backups").prefix("app/backups/" + id + "/")).contents()).isEmpty();
    }

    @Test
    void aMissingBucketIsAConfigurationError() {
        Cli cli = new Cli(work).env("AWS_ACCESS_KEY_ID", ACCESS_KEY).env("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        Cli.Result r = cli.expect(ExitCode.USAGE, "list", "--storage",
                "s3://no-such-bucket?endpoint=" + endpoint + "&pathStyle=true&region=us-east-1");
        assertThat(r.errLines()).singleElement().asString().contains("no-such-bucket");
        assertThat(Files.exists(work.resolve("no-such-bucket"))).isFalse();
    }
}
