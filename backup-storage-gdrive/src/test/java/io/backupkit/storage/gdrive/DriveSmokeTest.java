package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriveSmokeTest {
    @TempDir
    Path dir;

    @Test
    void roundTrip() throws Exception {
        try (FakeDrive fake = new FakeDrive(dir); DriveStorageProvider p = fake.provider()) {
            byte[] small = "hello".getBytes();
            byte[] big = new byte[1_000_000];
            new Random(1).nextBytes(big);
            p.put("a/b/small.txt", ContentSource.of(small));
            p.put("a/big.bin", ContentSource.of(big));
            p.put("a/big.bin", ContentSource.of(big));
            try (InputStream in = p.get("a/b/small.txt")) {
                assertThat(in.readAllBytes()).isEqualTo(small);
            }
            try (InputStream in = p.get("a/big.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(big);
            }
            List<BlobInfo> all = p.list("").toList();
            fake.server.requests().forEach(System.out::println);
            assertThat(all).extracting(BlobInfo::key).containsExactlyInAnyOrder("a/b/small.txt", "a/big.bin");
        }
    }
}
