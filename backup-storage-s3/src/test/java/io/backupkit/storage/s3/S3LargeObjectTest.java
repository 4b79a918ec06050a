package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: a backup stream of unknown length uploads to S3 from a JVM with {@code -Xmx256m} and reads back
 * byte-identical, ranged reads included ({@link LargeObjectRoundTrip} in a child JVM, S3Mock in this one).
 * The suite streams 512 MiB; the documented acceptance run is the full 2 GiB:
 * {@code mvn -pl backup-storage-s3 -am test -Dtest=S3LargeObjectTest -Dbackupkit.s3.largeObjectBytes=2147483648
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class S3LargeObjectTest {
    static final long DEFAULT_SIZE = 512L * 1024 * 1024;

    @Test
    void streamOfUnknownLengthRoundTripsInA256MegabyteHeap() throws IOException, InterruptedException {
        long size = Long.getLong("backupkit.s3.largeObjectBytes", DEFAULT_SIZE);
        S3TestServer server = S3TestServer.get();
        String bucket = server.newBucket();
        Path output = Files.createTempFile(Path.of("target").toAbsolutePath(), "large-object-", ".log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder child = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                LargeObjectRoundTrip.class.getName(), server.endpoint().toString(), bucket, Long.toString(size)))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        child.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        // Dummy credentials for S3Mock through the environment, never on the command line.
        child.environment().put("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
        child.environment().put("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
        child.environment().remove("AWS_PROFILE");
        Process process = child.start();
        try {
            if (!process.waitFor(15, TimeUnit.MINUTES)) { // a hang guard, not a speed requirement
                throw new AssertionError("the child JVM did not finish; its output: " + Files.readString(output));
            }
        } finally {
            process.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        String result = log.lines().filter(line -> line.startsWith("RESULT")).findFirst().orElse("(no RESULT line)");
        System.out.println("S3LargeObjectTest " + result);
        assertThat(process.exitValue()).as("child exit code; its output:%n%s", log).isZero();
        assertThat(result).as(log).startsWith("RESULT OK size=" + size);
        assertThat(server.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        server.client().deleteObject(b -> b.bucket(bucket).key("large/backup.zst"));
    }
}
