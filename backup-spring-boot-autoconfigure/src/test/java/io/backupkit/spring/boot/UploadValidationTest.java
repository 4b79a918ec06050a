package io.backupkit.spring.boot;

import static io.backupkit.spring.boot.Http.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 3, refused uploads: over the size limit (declared or streamed), a truncated tar, a tar climbing out with
 * {@code ../}, the wrong media type: each a 4xx problem, and the stored backups stay exactly as they were.
 */
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UploadValidationTest {
    static final String UPLOAD = "/backupkit/api/backups/upload";
    static final String ADMIN = basic("admin", SecuredTestApplication.PASSWORD);
    static Path dir;

    @LocalServerPort
    int port;
    @Autowired
    BackupEngine engine;
    byte[] validTar;
    BackupId id;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "upload-");
        Path media = Files.createDirectories(dir.resolve("media"));
        byte[] noise = new byte[300_000];
        new Random(7).nextBytes(noise);
        Files.write(media.resolve("noise.bin"), noise);
        r.add("backupkit.storage", () -> dir.resolve("backups").toUri().toString());
        r.add("backupkit.files.roots.media", media::toString);
        r.add("backupkit.web.max-upload-size", () -> "600KB");
    }

    @BeforeEach
    void exportOneBackupAndDeleteIt() {
        id = engine.backup(BackupRequest.builder(BackupType.FILES).name("to upload").build()).id();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.exportBackup(id, out);
        validTar = out.toByteArray();
        engine.delete(id);
    }

    HttpResponse<String> upload(HttpRequest.BodyPublisher body, String contentType) {
        Http http = new Http(port);
        return http.send(http.request(UPLOAD).header("Authorization", ADMIN).header("Content-Type", contentType)
                .POST(body));
    }

    static void assertProblem(HttpResponse<String> r, int status, String code, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        Map<?, ?> p = JsonMapper.builder().build().readValue(r.body(), Map.class);
        assertThat(p.get("code")).isEqualTo(code);
        assertThat((String) p.get("detail")).contains(detail);
    }

    /** Every stored object of every backup, with its size (the history of refused imports aside). */
    static Map<String, Long> stored() throws IOException {
        Path root = dir.resolve("backups/backups");
        Map<String, Long> m = new TreeMap<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isRegularFile).forEach(p -> m.put(root.relativize(p).toString(), p.toFile().length()));
            }
        }
        return m;
    }

    @Test
    void aValidUploadIsRegistered() {
        HttpResponse<String> r = upload(HttpRequest.BodyPublishers.ofByteArray(validTar), "application/octet-stream");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(engine.find(id)).isPresent();
    }

    @Test
    void anUploadOverTheLimitIs413AndChangesNothing() throws Exception {
        Path bigMedia = Files.createDirectories(dir.resolve("big-media"));
        byte[] noise = new byte[800_000];
        new Random(8).nextBytes(noise);
        Files.write(bigMedia.resolve("big.bin"), noise);
        BackupId bigId = engine.backup(BackupRequest.builder(BackupType.FILES).files(io.backupkit.api.FileSet.of(bigMedia))
                .build()).id();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.exportBackup(bigId, out);
        engine.delete(bigId);
        byte[] big = out.toByteArray();
        Map<String, Long> before = stored();
        assertProblem(upload(HttpRequest.BodyPublishers.ofByteArray(big), "application/octet-stream"), 413,
                "INVALID_ARCHIVE", "max-upload-size");
        // Without a declared length (chunked) the manifest, which comes first, already declares too much: refused
        // before any object is stored (the streaming limit catches a manifest that lies).
        assertProblem(upload(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)),
                "application/octet-stream"), 422, "INVALID_ARCHIVE", "more than the configured limit of 614400 bytes");
        assertThat(stored()).isEqualTo(before);
        assertThat(engine.find(bigId)).isEmpty();
    }

    @Test
    void aTruncatedTarIs422AndChangesNothing() throws Exception {
        Map<String, Long> before = stored();
        byte[] cut = java.util.Arrays.copyOf(validTar, validTar.length / 2);
        assertProblem(upload(HttpRequest.BodyPublishers.ofByteArray(cut), "application/octet-stream"), 422,
                "INVALID_ARCHIVE", "");
        assertThat(stored()).isEqualTo(before);
        assertThat(engine.find(id)).isEmpty();
    }

    @Test
    void aTarWithDotDotEntriesIs422AndChangesNothing() throws Exception {
        Map<String, Long> before = stored();
        ByteArrayOutputStream evil = new ByteArrayOutputStream();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(validTar));
             TarArchiveOutputStream out = new TarArchiveOutputStream(evil)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry e;
            boolean first = true;
            while ((e = in.getNextEntry()) != null) {
                out.putArchiveEntry(e);
                in.transferTo(out);
                out.closeArchiveEntry();
                if (first) {
                    byte[] payload = "pwned".getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry climb = new TarArchiveEntry(id + "/../../../evil.txt", true);
                    climb.setSize(payload.length);
                    out.putArchiveEntry(climb);
                    out.write(payload);
                    out.closeArchiveEntry();
                    first = false;
                }
            }
        }
        assertProblem(upload(HttpRequest.BodyPublishers.ofByteArray(evil.toByteArray()), "application/octet-stream"), 422,
                "INVALID_ARCHIVE", "..");
        assertThat(stored()).isEqualTo(before);
        assertThat(engine.find(id)).isEmpty();
        assertThat(dir.resolve("evil.txt")).doesNotExist();
        assertThat(dir.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void aMultipartFormIsRefusedWith415() throws Exception {
        Map<String, Long> before = stored();
        HttpResponse<String> r = upload(HttpRequest.BodyPublishers.ofByteArray(validTar), "multipart/form-data; boundary=x");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(stored()).isEqualTo(before);
    }
}
