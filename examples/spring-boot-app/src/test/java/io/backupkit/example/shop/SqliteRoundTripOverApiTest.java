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

    @org.junit.jupiter.api.Test
    void theOpenApiDescriptionCoversTheBackupApi() {
        java.net.http.HttpResponse<String> docs = new Api(port, "admin", "admin-secret").get("/v3/api-docs");
        org.assertj.core.api.Assertions.assertThat(docs.statusCode()).isEqualTo(200);
        tools.jackson.databind.JsonNode paths = Api.json(docs).get("paths");
        for (String path : java.util.List.of("/backupkit/api/backups", "/backupkit/api/backups/{id}",
                "/backupkit/api/backups/{id}/download", "/backupkit/api/backups/upload", "/backupkit/api/backups/{id}/restore",
                "/backupkit/api/backups/{id}/pin", "/backupkit/api/backups/{id}/verify", "/backupkit/api/jobs/{id}",
                "/backupkit/api/history", "/backupkit/api/history.csv", "/backupkit/api/stats", "/backupkit/api/health",
                "/backupkit/api/retention/plan", "/backupkit/api/retention/apply")) {
            org.assertj.core.api.Assertions.assertThat(paths.has(path)).as(path).isTrue();
        }
    }

    @Override
    Path dataDir() {
        return DIR;
    }
}
