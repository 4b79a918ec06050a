package io.backupkit.spring.boot;

import static io.backupkit.spring.boot.Http.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web keys {@code backupkit.web.base-path} and {@code backupkit.web.authority} take effect, and the API's finer
 * behaviour: paging and filters, pin/unpin, files target confined to the media roots, retention dry run then apply
 * (a changed plan is a conflict), history CSV, bad input as problems.
 */
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiBehaviourTest {
    static final String API = "/admin/backups/api";
    static final String CLERK = basic("clerk", SecuredTestApplication.PASSWORD);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static Path media;

    @LocalServerPort
    int port;
    @Autowired
    BackupEngine engine;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "api-");
        media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        r.add("backupkit.storage", () -> dir.resolve("backups").toUri().toString());
        r.add("backupkit.files.roots.media", media::toString);
        r.add("backupkit.web.base-path", () -> "/admin/backups");
        r.add("backupkit.web.authority", () -> "ROLE_USER");
    }

    HttpResponse<String> get(String path) {
        return new Http(port).get(path, "Authorization", CLERK);
    }

    HttpResponse<String> post(String path, String json) {
        return new Http(port).postJson(path, json, "Authorization", CLERK);
    }

    HttpResponse<String> send(String method, String path) {
        Http http = new Http(port);
        return http.send(http.request(path).header("Authorization", CLERK).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    @Test
    void basePathAndAuthorityAreTheConfiguredOnes() {
        assertThat(get(API + "/backups").statusCode()).isEqualTo(200);
        assertThat(new Http(port).get(API + "/backups", "Authorization", basic("admin", SecuredTestApplication.PASSWORD))
                .statusCode()).isEqualTo(403);
        assertThat(get("/backupkit/api/backups").statusCode()).isEqualTo(404);
        HttpResponse<String> page = get("/admin/backups/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"page/app.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'")
                .doesNotContain("unsafe-inline");
    }

    @Test
    void listPagesAndFilters() {
        for (int i = 0; i < 3; i++) {
            engine.backup(BackupRequest.builder(BackupType.FILES).name("paged " + i).tag(i == 1 ? "odd" : "even").build());
        }
        JsonNode page = json(get(API + "/backups?name=paged&size=2&page=0"));
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(page.get("items").size()).isEqualTo(2);
        assertThat(page.get("items").get(0).get("name").asString()).isEqualTo("paged 2");
        assertThat(json(get(API + "/backups?name=paged&size=2&page=1")).get("items").size()).isEqualTo(1);
        assertThat(json(get(API + "/backups?tag=odd")).get("items").get(0).get("name").asString()).isEqualTo("paged 1");
        assertThat(json(get(API + "/backups?type=DATABASE")).get("total").asInt()).isZero();
        HttpResponse<String> bad = get(API + "/backups?size=0");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("code").asString()).isEqualTo("CONFIGURATION");
        assertThat(get(API + "/backups?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(get(API + "/backups/not..valid").statusCode()).isEqualTo(400);
    }

    @Test
    void pinUnpinVerify() {
        BackupId id = engine.backup(BackupType.FILES).id();
        HttpResponse<String> pinned = send("PUT", API + "/backups/" + id + "/pin");
        assertThat(pinned.statusCode()).isEqualTo(200);
        assertThat(json(pinned).get("pinned").asBoolean()).isTrue();
        assertThat(engine.list().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow().pinned()).isTrue();
        assertThat(json(send("DELETE", API + "/backups/" + id + "/pin")).get("pinned").asBoolean()).isFalse();
        HttpResponse<String> verified = post(API + "/backups/" + id + "/verify", "");
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(json(verified).get("ok").asBoolean()).isTrue();
        assertThat(send("PUT", API + "/backups/20200101T000000Z-full-0000/pin").statusCode()).isEqualTo(404);
    }

    @Test
    void aRestoreMayOnlyWriteFilesIntoAConfiguredRoot() throws Exception {
        BackupId id = engine.backup(BackupType.FILES).id();
        Path outside = media.getParent().resolve("elsewhere");
        HttpResponse<String> refused = post(API + "/backups/" + id + "/restore",
                "{\"validateOnly\":false,\"filesTarget\":\"" + outside + "\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("detail").asString()).contains("not one of the configured media roots");
        assertThat(outside).doesNotExist();
        HttpResponse<String> climbing = post(API + "/backups/" + id + "/restore",
                "{\"filesTarget\":\"" + media.resolve("../elsewhere") + "\"}");
        assertThat(climbing.statusCode()).isEqualTo(400);
        Path below = media.resolve("restored-copy");
        HttpResponse<String> ok = post(API + "/backups/" + id + "/restore",
                "{\"validateOnly\":true,\"filesTarget\":\"" + below + "\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).get("files").get(0).get("target").asString()).isEqualTo(below.toString());
        assertThat(post(API + "/backups/" + id + "/restore", "{\"mode\":\"SIDEWAYS\"}").statusCode()).isEqualTo(400);
        assertThat(post(API + "/backups/" + id + "/restore", "{\"database\":false,\"files\":false}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void retentionDryRunThenApplyDeletingExactlyThePlan() {
        engine.backup(BackupRequest.builder(BackupType.FILES).name("r1").build());
        engine.backup(BackupRequest.builder(BackupType.FILES).name("r2").build());
        int before = engine.list().size();
        JsonNode plan = json(post(API + "/retention/plan", "{\"keepLast\":1}"));
        int deletions = plan.get("delete").size();
        assertThat(deletions).isEqualTo(before - 1);
        assertThat(plan.get("delete").get(0).get("reasons").toString()).contains("no rule keeps it");
        assertThat(engine.list()).hasSize(before);
        HttpResponse<String> stale = post(API + "/retention/apply", "{\"keepLast\":1,\"expectDelete\":[]}");
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(stale).get("code").asString()).isEqualTo("CONFLICT");
        assertThat(engine.list()).hasSize(before);
        StringBuilder ids = new StringBuilder();
        plan.get("delete").forEach(d -> ids.append(ids.isEmpty() ? "" : ",").append('"').append(d.get("id").asString()).append('"'));
        HttpResponse<String> applied = post(API + "/retention/apply", "{\"keepLast\":1,\"expectDelete\":[" + ids + "]}");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        assertThat(json(applied).get("deleted").size()).isEqualTo(deletions);
        assertThat(engine.list()).hasSize(1);
        HttpResponse<String> none = post(API + "/retention/plan", "");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).get("detail").asString()).contains("no retention rules");
    }

    @Test
    void historyCsvStatsHealthAndJobs() {
        engine.backup(BackupType.FILES);
        HttpResponse<String> csv = get(API + "/history.csv?operation=BACKUP");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst().orElseThrow()).contains("operation");
        assertThat(csv.body().lines().skip(1)).isNotEmpty().allMatch(l -> l.contains("BACKUP"));
        assertThat(json(get(API + "/stats")).get("totalBackups").asInt()).isPositive();
        assertThat(json(get(API + "/health")).has("healthy")).isTrue();
        HttpResponse<String> job = get(API + "/jobs/no-such-job");
        assertThat(job.statusCode()).isEqualTo(404);
        assertThat(json(job).get("code").asString()).isEqualTo("NOT_FOUND");
        HttpResponse<String> badBody = post(API + "/backups", "{\"type\":\"WEEKLY\"}");
        assertThat(badBody.statusCode()).isEqualTo(400);
        assertThat(post(API + "/backups", "{\"type\":\"SAFETY\"}").statusCode()).isEqualTo(400);
        assertThat(post(API + "/backups", "{}").statusCode()).isEqualTo(400);
    }
}
