package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.SeededContent;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What BackupKit writes is an ordinary S3 object: the AWS CLI (Debian's {@code awscli}) lists and downloads a
 * single-PUT object and a multipart one byte-identical. Runs when {@code aws} is on the PATH; with CI=true a
 * missing CLI fails.
 */
class AwsCliInteropTest {
    private static final int PART = S3StorageProvider.Builder.MIN_PART_SIZE;
    private static Path aws;

    @BeforeAll
    static void findAwsCli() {
        Optional<Path> found = Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> java.util.Arrays.stream(path.split(File.pathSeparator)))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "aws"))
                .filter(Files::isExecutable).findFirst();
        if (found.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("the aws CLI is not installed but CI=true: install Debian's awscli (.ci/run does)");
        }
        Assumptions.assumeTrue(found.isPresent(), "aws CLI not installed: skipping the interoperability check");
        aws = found.get();
    }

    @Test
    void awsCliListsAndDownloadsWhatTheProviderWrote() throws Exception {
        S3TestServer server = S3TestServer.get();
        String bucket = server.newBucket();
        long bigSize = 2L * PART + 4_321; // three parts
        byte[] small = SeededContent.bytes(11, 70_000);
        try (S3StorageProvider storage = S3TestServer.provider(bucket, server.endpoint()).keyPrefix("app")
                .partSize(PART).build()) {
            storage.put("backups/b1/manifest.json", ContentSource.of(small));
            storage.put("backups/b1/db/dump.zst", ContentSource.once(SeededContent.stream(12, bigSize)));
        }

        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "awscli-");
        Path config = work.resolve("config");
        Files.writeString(config, "[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n");
        Map<String, String> env = Map.of(
                "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY,
                "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_CONFIG_FILE", config.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString());

        String listing = run(env, "s3", "ls", "--recursive", "s3://" + bucket + "/app/");
        assertThat(listing).contains(" 70000 app/backups/b1/manifest.json")
                .contains(" " + bigSize + " app/backups/b1/db/dump.zst");

        Path downloadedBig = work.resolve("dump.zst");
        Path downloadedSmall = work.resolve("manifest.json");
        run(env, "s3", "cp", "s3://" + bucket + "/app/backups/b1/db/dump.zst", downloadedBig.toString());
        run(env, "s3", "cp", "s3://" + bucket + "/app/backups/b1/manifest.json", downloadedSmall.toString());
        assertThat(Files.size(downloadedBig)).isEqualTo(bigSize);
        assertThat(SeededContent.sha256(Files.newInputStream(downloadedBig))).isEqualTo(SeededContent.sha256(12, bigSize));
        assertThat(Files.readAllBytes(downloadedSmall)).isEqualTo(small);

        String head = run(env, "s3api", "head-object", "--bucket", bucket, "--key", "app/backups/b1/db/dump.zst");
        assertThat(head).contains("\"ContentLength\": " + bigSize).contains("application/octet-stream");
    }

    private static String run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(aws.toString(), "--endpoint-url",
                S3TestServer.get().endpoint().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().remove("AWS_PROFILE");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("aws " + String.join(" ", args) + " did not finish");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("aws %s exit code; output:%n%s", String.join(" ", args), text).isZero();
        return text;
    }
}
