package io.backupkit.spring.boot;

import static io.backupkit.spring.boot.Http.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 5: the {@code backupkit} health component is UP after a backup and OUT_OF_DATE once the newest backup is
 * older than {@code backupkit.health.max-age} (a clock the test moves), without changing the application's status
 * unless {@code backupkit.health.affects-app=true}; the meters exist with their tags after a backup and a restore.
 */
class ActuatorTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TestConfiguration
    static class Clocks {
        @Bean(BackupKitAutoConfiguration.CLOCK_BEAN)
        MutableClock backupKitClock() {
            return new MutableClock(Instant.now());
        }
    }

    static void common(DynamicPropertyRegistry r, String name) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name);
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        r.add("backupkit.storage", () -> dir.resolve("backups").toUri().toString());
        r.add("backupkit.files.roots.media", media::toString);
        r.add("backupkit.health.max-age", () -> "2h");
        r.add("management.endpoints.web.exposure.include", () -> "health,backups,metrics");
        r.add("management.endpoint.health.show-details", () -> "always");
    }

    abstract static class Base {
        @LocalServerPort
        int port;
        @Autowired
        BackupEngine engine;
        @Autowired
        MutableClock clock;

        JsonNode health(int expectedStatus) {
            HttpResponse<String> r = new Http(port).get("/actuator/health");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
            return JSON.readTree(r.body());
        }
    }

    @Nested
    @SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @Import(Clocks.class)
    class ByDefault extends Base {
        @Autowired
        MeterRegistry meters;

        @DynamicPropertySource
        static void props(DynamicPropertyRegistry r) throws Exception {
            common(r, "actuator-");
        }

        @Test
        void aLateBackupIsOutOfDateButTheApplicationStaysUp() {
            BackupId id = engine.backup(BackupType.FILES).id();
            JsonNode up = health(200);
            assertThat(up.get("status").asString()).isEqualTo("UP");
            JsonNode component = up.get("components").get("backupkit");
            assertThat(component.get("status").asString()).isEqualTo("UP");
            assertThat(component.get("details").get("newestBackup").asString()).isNotEmpty();
            assertThat(component.get("details").get("newestBackupAgeSeconds").asLong()).isLessThan(60);

            clock.advance(Duration.ofHours(3));
            JsonNode late = health(200);
            assertThat(late.get("status").asString()).isEqualTo("UP");
            JsonNode stale = late.get("components").get("backupkit");
            assertThat(stale.get("status").asString()).isEqualTo("OUT_OF_DATE");
            assertThat(stale.get("details").get("newestBackupAgeSeconds").asLong()).isGreaterThanOrEqualTo(3 * 3600);
            assertThat(stale.get("details").get("problems").toString()).contains("STALE_BACKUP");

            engine.restore(RestoreRequest.builder(id).safetyBackup(false).build());
            assertThat(meters.find("backupkit.backup.duration").tags("type", "files", "outcome", "success").timer())
                    .isNotNull().satisfies(t -> assertThat(t.count()).isGreaterThanOrEqualTo(1));
            assertThat(meters.find("backupkit.restore.duration").tags("type", "files", "outcome", "success").timer())
                    .isNotNull().satisfies(t -> assertThat(t.count()).isEqualTo(1));
            assertThat(meters.get("backupkit.stored.bytes").gauge().value()).isGreaterThan(0);
            assertThat(meters.get("backupkit.backups").gauge().value()).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("backupkit.newest.backup.age").timeGauge().value(java.util.concurrent.TimeUnit.SECONDS))
                    .isGreaterThanOrEqualTo(3 * 3600);
            HttpResponse<String> timer = new Http(port).get("/actuator/metrics/backupkit.backup.duration",
                    "Authorization", basic("admin", SecuredTestApplication.PASSWORD));
            assertThat(timer.statusCode()).isEqualTo(200);
            assertThat(timer.body()).contains("\"outcome\"").contains("\"type\"");
        }

        @Test
        void theBackupsEndpointListsAndGivesTheLatest() {
            BackupId id = engine.backup(BackupType.FILES).id();
            Http http = new Http(port);
            String admin = basic("admin", SecuredTestApplication.PASSWORD);
            HttpResponse<String> all = http.get("/actuator/backups", "Authorization", admin);
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(all.body()).get("latest").get("id").asString()).isEqualTo(id.value());
            HttpResponse<String> latest = http.get("/actuator/backups/latest", "Authorization", admin);
            assertThat(JSON.readTree(latest.body()).get("id").asString()).isEqualTo(id.value());
            assertThat(http.get("/actuator/backups/" + id, "Authorization", admin).statusCode()).isEqualTo(200);
            assertThat(http.get("/actuator/backups/nope", "Authorization", admin).statusCode()).isEqualTo(404);
        }
    }

    @Nested
    @SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @Import(Clocks.class)
    class WhenItAffectsTheApp extends Base {
        @DynamicPropertySource
        static void props(DynamicPropertyRegistry r) throws Exception {
            common(r, "actuator-affects-");
            r.add("backupkit.health.affects-app", () -> "true");
        }

        @Test
        void aLateBackupTakesTheApplicationDown() {
            engine.backup(BackupType.FILES);
            assertThat(health(200).get("status").asString()).isEqualTo("UP");
            clock.advance(Duration.ofHours(3));
            JsonNode down = health(503);
            assertThat(down.get("status").asString()).isEqualTo("DOWN");
            assertThat(down.get("components").get("backupkit").get("status").asString()).isEqualTo("DOWN");
        }
    }
}
