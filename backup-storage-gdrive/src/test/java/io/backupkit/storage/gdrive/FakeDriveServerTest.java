package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake server is the oracle of the Drive tests, so its strictness is tested too: requests a buggy client
 * could send are refused, with a plain HTTP client that bypasses the Google library.
 */
class FakeDriveServerTest {
    @TempDir
    Path dir;
    FakeDrive fake;
    HttpClient http = HttpClient.newHttpClient();
    String token;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeDrive(dir);
        HttpResponse<String> tokenResponse = send(HttpRequest.newBuilder(fake.server.tokenUri())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&client_id=" + enc(FakeDrive.CLIENT_ID)
                        + "&client_secret=" + enc(FakeDrive.CLIENT_SECRET) + "&refresh_token=" + enc(FakeDrive.REFRESH_TOKEN))));
        assertThat(tokenResponse.statusCode()).isEqualTo(200);
        token = JsonParser.parseString(tokenResponse.body()).getAsJsonObject().get("access_token").getAsString();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder drive(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(fake.server.rootUrl() + pathAndQuery)).header("Authorization", "Bearer " + token);
    }

    private String session(long total) throws Exception {
        HttpResponse<String> r = send(drive("upload/drive/v3/files?uploadType=resumable")
                .header("Content-Type", "application/json; charset=UTF-8").header("X-Upload-Content-Length", Long.toString(total))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"parents\":[\"" + fake.rootFolderId + "\"]}")));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<String> chunk(String location, String contentRange, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + token)
                .header("Content-Range", contentRange).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsWithoutAValidBearerTokenAre401() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(fake.server.rootUrl() + "drive/v3/files")));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    @Test
    void aRevokedRefreshTokenGetsInvalidGrant() throws Exception {
        fake.server.revokeRefreshToken(FakeDrive.REFRESH_TOKEN);
        HttpResponse<String> r = send(HttpRequest.newBuilder(fake.server.tokenUri()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&client_id=" + enc(FakeDrive.CLIENT_ID)
                        + "&client_secret=" + enc(FakeDrive.CLIENT_SECRET) + "&refresh_token=" + enc(FakeDrive.REFRESH_TOKEN))));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_grant");
    }

    @Test
    void chunksMustContinueWhereTheSessionIs() throws Exception {
        String location = session(2 * 262144L);
        assertThat(chunk(location, "bytes 0-262143/524288", new byte[262144]).statusCode()).isEqualTo(308);
        HttpResponse<String> gap = chunk(location, "bytes 262145-524287/524288", new byte[262143]);
        assertThat(gap.statusCode()).isEqualTo(400);
        assertThat(gap.body()).contains("continue");
        HttpResponse<String> overlap = chunk(location, "bytes 0-262143/524288", new byte[262144]);
        assertThat(overlap.statusCode()).isEqualTo(400);
    }

    @Test
    void theTotalMustMatchTheAnnouncedLengthAndChunksTheir256KiBGranularity() throws Exception {
        String location = session(600_000);
        assertThat(chunk(location, "bytes 0-262143/600001", new byte[262144]).statusCode()).isEqualTo(400);
        assertThat(chunk(location, "bytes 0-99999/600000", new byte[100000]).statusCode()).isEqualTo(400);
        assertThat(chunk(location, "bytes 0-262143/*", new byte[262144]).statusCode()).isEqualTo(400);
        assertThat(chunk(location, "bytes 0-262143/600000", new byte[1000]).statusCode()).isEqualTo(400); // body shorter than the range
        HttpResponse<String> query = chunk(location, "bytes */600000", new byte[0]);
        assertThat(query.statusCode()).isEqualTo(308);
        assertThat(query.headers().firstValue("Range")).isEmpty(); // nothing stored by the refused requests
    }

    @Test
    void anUploadCompletesOnlyWithItsLastByte() throws Exception {
        String location = session(262144L + 10);
        assertThat(chunk(location, "bytes 0-262143/262154", new byte[262144]).statusCode()).isEqualTo(308);
        assertThat(fake.server.children(fake.rootFolderId)).isEmpty();
        HttpResponse<String> last = chunk(location, "bytes 262144-262153/262154", new byte[10]);
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(fake.server.children(fake.rootFolderId)).hasSize(1);
    }

    @Test
    void unknownQueryTermsFieldsAndForeignPageTokensAreRefused() throws Exception {
        String q = enc("'" + fake.rootFolderId + "' in parents and name contains 'x'");
        assertThat(send(drive("drive/v3/files?q=" + q)).statusCode()).isEqualTo(400);
        assertThat(send(drive("drive/v3/files?fields=" + enc("files(id,nmae)"))).statusCode()).isEqualTo(400);
        assertThat(send(drive("drive/v3/files?pageToken=bm90LWEtdG9rZW4")).statusCode()).isEqualTo(400);
        assertThat(send(drive("drive/v3/files?colour=blue")).statusCode()).isEqualTo(400);
        assertThat(send(drive("drive/v3/files?driveId=0Axyz")).statusCode()).isEqualTo(400); // without corpora=drive
    }

    @Test
    void withoutAFieldsParameterOnlyTheDefaultFieldsComeBack() throws Exception {
        fake.server.seedFile(fake.rootFolderId, "a", new byte[5], java.time.Instant.now());
        String q = enc("'" + fake.rootFolderId + "' in parents");
        String body = send(drive("drive/v3/files?q=" + q)).body();
        assertThat(body).contains("\"name\":\"a\"").doesNotContain("size").doesNotContain("modifiedTime");
        assertThat(send(drive("drive/v3/files?q=" + q + "&fields=" + enc("files(size)"))).body()).contains("\"size\":\"5\"");
    }

    @Test
    void sharedDriveItemsNeedSupportsAllDrives() throws Exception {
        String sharedDrive = fake.server.createSharedDrive("S");
        String id = fake.server.seedFile(sharedDrive, "f", new byte[1], java.time.Instant.now());
        assertThat(send(drive("drive/v3/files/" + id)).statusCode()).isEqualTo(404);
        assertThat(send(drive("drive/v3/files/" + id + "?supportsAllDrives=true")).statusCode()).isEqualTo(200);
    }
}
