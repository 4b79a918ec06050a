package io.backupkit.example.shop;

import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Acceptance 1 against a real PostgreSQL 15 server started by the test kit. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresRoundTripOverApiTest extends BackupRoundTripOverApiTest {
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shop-pg-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) {
        TestDatabase db = DatabaseServers.postgres15().createDatabase();
        r.add("spring.datasource.url", db::jdbcUrl);
        r.add("spring.datasource.username", db::user);
        r.add("spring.datasource.password", db::password);
        r.add("spring.sql.init.platform", () -> "postgresql");
        r.add("spring.security.user.password", () -> "admin-secret");
        r.add("shop.data-dir", DIR::toString);
        r.add("backupkit.storage", () -> DIR.resolve("backups").toUri().toString());
    }

    @Override
    Path dataDir() {
        return DIR;
    }
}
