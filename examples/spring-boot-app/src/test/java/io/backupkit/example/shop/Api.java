package io.backupkit.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A script's view of the BackupKit API: HTTP Basic, JSON, every status code checked by the caller. */
final class Api {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String auth;

    Api(int port, String user, String password) {
        this.base = "http://127.0.0.1:" + port;
        this.auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) {
        return send(builder(path).GET(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) {
        return send(builder(path).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, Object body) {
        return send(builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> upload(String path, Path file) throws IOException {
        return send(builder(path).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> upload(String path, byte[] body) {
        return send(builder(path).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) {
        return send(builder(path).DELETE(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String path) {
        return send(builder(path).PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    /** Polls a job until it ended; returns its final JSON. */
    JsonNode awaitJob(String location) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = get(URI.create(location).getPath());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode job = json(r);
            String status = job.get("status").asString();
            if (!status.equals("PENDING") && !status.equals("RUNNING")) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job did not end in 60 s: " + job);
            }
            Thread.sleep(100);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).timeout(Duration.ofMinutes(5));
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(b.build(), handler);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
