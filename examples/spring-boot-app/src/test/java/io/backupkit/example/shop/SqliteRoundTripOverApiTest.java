package io.backupkit.example.shop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Acceptance 1 on the example's own embedded database: an SQLite file. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SqliteRoundTripOverApiTest extends BackupRoundTripOverApiTest {
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shop-sqlite-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) {
        r.add("shop.data-dir", DIR::toString);
        r.add("spring.security.user.password", () -> "admin-secret");
        r.add("backupkit.storage", () -> DIR.resolve("backups").toUri().toString());
    }

    @Override
    Path dataDir() {
        return DIR;
    }
}
