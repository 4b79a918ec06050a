package io.backupkit.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Acceptance 1: the example shop on a random port, driven through the REST API as a script would: create -> job
 * completes -> listed -> download the tar and the database part -> upload into a second storage -> validate-only
 * restore reports and changes nothing -> restore brings rows and files back -> delete. Subclasses pick the database.
 */
abstract class BackupRoundTripOverApiTest {
    static final String API = "/backupkit/api";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Environment env;
    @Autowired
    ShopProperties shop;

    abstract Path dataDir();

    @Test
    void createListDownloadUploadValidateRestoreDelete() throws Exception {
        Api api = new Api(port, "admin", "admin-secret");
        Path uploads = shop.uploads();
        Files.write(uploads.resolve("product-1.img"), new byte[] {1, 2, 3, 4});
        Files.writeString(uploads.resolve("notes.txt"), "grinder manual");

        HttpResponse<String> created = api.post(API + "/backups", Map.of("type", "FULL", "name", "before sale",
                "notes", "nightly <b>copy</b>", "tags", List.of("api", "acceptance")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String location = created.headers().firstValue("Location").orElseThrow();
        JsonNode job = api.awaitJob(location);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("COMPLETED");
        String id = job.get("backupId").asString();
        assertThat(job.get("result").get("id").asString()).isEqualTo(id);

        HttpResponse<String> list = api.get(API + "/backups?tag=acceptance&size=10");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode page = Api.json(list);
        assertThat(page.get("total").asInt()).isEqualTo(1);
        JsonNode row = page.get("items").get(0);
        assertThat(row.get("id").asString()).isEqualTo(id);
        assertThat(row.get("name").asString()).isEqualTo("before sale");
        assertThat(row.get("tables").asInt()).isEqualTo(4);
        assertThat(row.get("rows").asLong()).isEqualTo(4 + 3 + 3 + 5);
        assertThat(row.get("files").asLong()).isGreaterThanOrEqualTo(2);

        HttpResponse<String> manifest = api.get(API + "/backups/" + id);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(Api.json(manifest).get("notes").asString()).isEqualTo("nightly <b>copy</b>");

        HttpResponse<byte[]> tar = api.getBytes(API + "/backups/" + id + "/download");
        assertThat(tar.statusCode()).isEqualTo(200);
        assertThat(tar.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/x-tar");
        assertThat(tar.headers().firstValue("Content-Disposition").orElseThrow()).contains(id + ".tar");
        assertThat(entries(tar.body())).first().isEqualTo(id + "/manifest.json");
        HttpResponse<byte[]> dbPart = api.getBytes(API + "/backups/" + id + "/download?part=database");
        assertThat(dbPart.statusCode()).isEqualTo(200);
        List<String> dbEntries = entries(dbPart.body());
        assertThat(dbEntries).first().isEqualTo(id + "/manifest.json");
        assertThat(dbEntries).noneMatch(e -> e.contains("files"));
        assertThat(dbEntries.size()).isLessThan(entries(tar.body()).size());

        Path second = Files.createDirectories(dataDir().resolve("second-backups"));
        try (ConfigurableApplicationContext other = secondInstance(second)) {
            int otherPort = other.getEnvironment().getProperty("local.server.port", Integer.class);
            Api otherApi = new Api(otherPort, "admin", "admin-secret");
            HttpResponse<String> uploaded = otherApi.upload(API + "/backups/upload", tar.body());
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
            assertThat(Api.json(uploaded).get("id").asString()).isEqualTo(id);
            JsonNode otherList = Api.json(otherApi.get(API + "/backups"));
            assertThat(otherList.get("items").get(0).get("id").asString()).isEqualTo(id);
            HttpResponse<String> again = otherApi.upload(API + "/backups/upload", tar.body());
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(Api.json(again).get("code").asString()).isEqualTo("CONFLICT");
        }

        // The shop loses data: orders and a picture gone, a stray file added.
        jdbc.sql("DELETE FROM order_items WHERE order_id = 3").update();
        jdbc.sql("DELETE FROM orders WHERE id = 3").update();
        Files.delete(uploads.resolve("product-1.img"));
        Files.writeString(uploads.resolve("stray.txt"), "not in the backup");

        HttpResponse<String> dryRun = api.post(API + "/backups/" + id + "/restore", Map.of("validateOnly", true));
        assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
        JsonNode report = Api.json(dryRun);
        assertThat(report.get("validateOnly").asBoolean()).isTrue();
        assertThat(report.get("tables").toString()).contains("orders");
        JsonNode files = report.get("files").get(0);
        assertThat(files.get("added").asLong()).isEqualTo(1);
        assertThat(files.get("removed").asLong()).isEqualTo(1);
        assertThat(count("orders")).isEqualTo(2);
        assertThat(uploads.resolve("product-1.img")).doesNotExist();
        assertThat(uploads.resolve("stray.txt")).exists();

        HttpResponse<String> restore = api.post(API + "/backups/" + id + "/restore", Map.of());
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        JsonNode restored = api.awaitJob(restore.headers().firstValue("Location").orElseThrow());
        assertThat(restored.get("status").asString()).as(restored.toString()).isEqualTo("COMPLETED");
        assertThat(restored.get("result").get("safetyBackup").isNull()).isFalse();
        assertThat(count("orders")).isEqualTo(3);
        assertThat(count("order_items")).isEqualTo(5);
        assertThat(Files.readAllBytes(uploads.resolve("product-1.img"))).containsExactly(1, 2, 3, 4);
        assertThat(uploads.resolve("stray.txt")).doesNotExist();

        HttpResponse<String> history = api.get(API + "/history?operation=RESTORE");
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(Api.json(history).get("items").get(0).get("actor").asString()).isEqualTo("admin");

        assertThat(api.delete(API + "/backups/" + id).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = api.get(API + "/backups/" + id);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(Api.json(gone).get("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(api.delete(API + "/backups/" + id).statusCode()).isEqualTo(404);
    }

    private ConfigurableApplicationContext secondInstance(Path storage) {
        return new SpringApplicationBuilder(ShopApplication.class).run("--server.port=0",
                "--spring.datasource.url=" + env.getProperty("spring.datasource.url"),
                "--spring.datasource.username=" + env.getProperty("spring.datasource.username", ""),
                "--spring.datasource.password=" + env.getProperty("spring.datasource.password", ""),
                "--spring.sql.init.platform=" + env.getProperty("spring.sql.init.platform"),
                "--spring.security.user.password=admin-secret",
                "--shop.data-dir=" + dataDir(), "--backupkit.storage=" + storage.toUri(),
                "--backupkit.schedule.cron=");
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    static List<String> entries(byte[] tar) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
