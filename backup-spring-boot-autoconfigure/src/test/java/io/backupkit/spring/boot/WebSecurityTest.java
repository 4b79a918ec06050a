package io.backupkit.spring.boot;

import static io.backupkit.spring.boot.Http.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Acceptance 2: admin-only by default, even under a host chain that permits everything; CSRF on cookie sessions; the
 * history names the user.
 */
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebSecurityTest {
    static final String API = "/backupkit/api";
    static final String ADMIN = basic("admin", SecuredTestApplication.PASSWORD);
    static final String CREATE = "{\"type\":\"FILES\",\"name\":\"sec\"}";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "websec-");
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        r.add("backupkit.storage", () -> dir.resolve("backups").toUri().toString());
        r.add("backupkit.files.roots.media", media::toString);
        r.add("management.endpoints.web.exposure.include", () -> "health,backups");
    }

    @Test
    void anonymousIs401WithAProblemWhileTheHostsOwnPagesStayOpen() {
        Http http = new Http(port);
        HttpResponse<String> r = http.get(API + "/backups");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
        assertThat(http.get("/actuator/backups").statusCode()).isEqualTo(401);
        assertThat(http.get("/backupkit/").statusCode()).isEqualTo(401);
        HttpResponse<String> page = http.get("/backupkit/", "Accept", "text/html");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        assertThat(http.get("/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void anAuthenticatedUserWithoutTheAuthorityIs403() {
        Http http = new Http(port);
        String clerk = basic("clerk", SecuredTestApplication.PASSWORD);
        assertThat(http.get(API + "/backups", "Authorization", clerk).statusCode()).isEqualTo(403);
        assertThat(http.postJson(API + "/backups", CREATE, "Authorization", clerk).statusCode()).isEqualTo(403);
        assertThat(http.get("/actuator/backups", "Authorization", clerk).statusCode()).isEqualTo(403);
        assertThat(http.get(API + "/backups", "Authorization", basic("admin", "wrong")).statusCode()).isEqualTo(401);
    }

    @Test
    void theAdminGets200AndTheHistoryNamesTheUser() throws Exception {
        Http http = new Http(port);
        assertThat(http.get(API + "/backups", "Authorization", ADMIN).statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/backups", "Authorization", ADMIN).statusCode()).isEqualTo(200);
        HttpResponse<String> created = http.postJson(API + "/backups", CREATE, "Authorization", ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String jobPath = java.net.URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
        for (int i = 0; i < 100 && !http.get(jobPath, "Authorization", ADMIN).body().contains("\"COMPLETED\""); i++) {
            Thread.sleep(100);
        }
        HttpResponse<String> history = http.get(API + "/history?operation=BACKUP", "Authorization", ADMIN);
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.body()).contains("\"actor\":\"admin\"");
    }

    @Test
    void aCookieSessionNeedsTheCsrfTokenAndBasicScriptsDoNot() {
        Http http = new Http(port);
        HttpResponse<String> login = http.send(http.request("/login").header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                "username=admin&password=" + SecuredTestApplication.PASSWORD)));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        String session = Http.cookie(login, "JSESSIONID");
        assertThat(session).isNotNull();
        HttpResponse<String> list = http.get(API + "/backups", "Cookie", "JSESSIONID=" + session);
        assertThat(list.statusCode()).isEqualTo(200);
        String xsrf = Http.cookie(list, "XSRF-TOKEN");
        assertThat(xsrf).as("the XSRF-TOKEN cookie the page reads").isNotNull();

        HttpResponse<String> noToken = http.postJson(API + "/backups", CREATE, "Cookie", "JSESSIONID=" + session);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("CSRF");
        HttpResponse<String> wrongToken = http.postJson(API + "/backups", CREATE, "Cookie",
                "JSESSIONID=" + session + "; XSRF-TOKEN=" + xsrf, "X-XSRF-TOKEN", "not-the-token");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> withToken = http.postJson(API + "/backups", CREATE, "Cookie",
                "JSESSIONID=" + session + "; XSRF-TOKEN=" + xsrf, "X-XSRF-TOKEN", xsrf);
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(202);

        // A browser replaying cached Basic credentials (it sends Sec-Fetch-*) still needs the token.
        assertThat(http.postJson(API + "/backups", CREATE, "Authorization", ADMIN, "Sec-Fetch-Site", "cross-site",
                "Sec-Fetch-Mode", "cors").statusCode()).isEqualTo(403);
        assertThat(http.postJson(API + "/backups", CREATE, "Authorization", ADMIN).statusCode()).isEqualTo(202);
    }
}
