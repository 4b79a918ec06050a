package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.Drive;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.backupkit.api.RetryPolicy;
import io.backupkit.testkit.BuilderAssertions;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, acceptance 4: {@link DriveStorageProvider.Builder} fails fast. It used to check nothing until a long
 * validate() in build(); now a bad argument is an IllegalArgumentException from its setter, a setting given twice, a
 * second way of authenticating or a setting an existing client already has an IllegalStateException naming both,
 * and build() reports only what needs the whole picture. Nothing here contacts Drive.
 */
class DriveStorageProviderBuilderTest {
    private static final BuilderAssertions<DriveStorageProvider.Builder> DRIVE = BuilderAssertions.of(DriveStorageProvider::builder);
    private static final Drive CLIENT = new Drive.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), null)
            .setApplicationName("host").build();
    private static final GoogleCredentials TOKEN = GoogleCredentials.create(new AccessToken("t", null));

    @Test
    void eachSettersBadArgumentFailsAtOnceNamingTheSettingAndTheValue() {
        DRIVE.badArgument(b -> b.rootFolderId("a/b"), "rootFolderId", "'a/b'")
                .badArgument(b -> b.driveId("shared drive"), "driveId", "'shared drive'")
                .badArgument(b -> b.basePath("a/../b"), "basePath")
                .badArgument(b -> b.userCredentials("id", " ", "token"), "userCredentials", "client secret")
                .badArgument(b -> b.userCredentials("", "secret", "token"), "userCredentials", "client id")
                .badArgument(b -> b.impersonate(" "), "impersonate")
                .badArgument(b -> b.rootUrl("ftp://drive.example"), "rootUrl", "ftp://drive.example")
                .badArgument(b -> b.chunkSize(200_000), "chunkSize", "200000")
                .badArgument(b -> b.simpleUploadThreshold(-1), "simpleUploadThreshold", "-1")
                .badArgument(b -> b.listPageSize(0), "listPageSize", "0")
                .badArgument(b -> b.listPageSize(1001), "listPageSize", "1001");
    }

    @Test
    void userCredentialsAreRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> DriveStorageProvider.builder().userCredentials("id", "s3cret", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refresh token")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void settingTheSameThingTwiceFailsNamingTheSetting() {
        DRIVE.twice(b -> b.rootFolderId("root1"), "rootFolderId")
                .twice(b -> b.driveId("drive1"), "driveId")
                .twice(b -> b.basePath("apps/shop"), "basePath")
                .twice(b -> b.impersonate("owner@example.com"), "impersonate")
                .twice(b -> b.tokenServerUri(URI.create("http://127.0.0.1/token")), "tokenServerUri")
                .twice(b -> b.rootUrl("http://127.0.0.1/"), "rootUrl")
                .twice(b -> b.transport(new NetHttpTransport()), "transport")
                .twice(b -> b.chunkSize(1 << 20), "chunkSize")
                .twice(b -> b.simpleUploadThreshold(1024), "simpleUploadThreshold")
                .twice(b -> b.listPageSize(100), "listPageSize")
                .twice(b -> b.deleteToTrash(true), "deleteToTrash")
                .twice(b -> b.retries(RetryPolicy.DEFAULT), "retries")
                .twice(DriveStorageProvider.Builder::applicationDefaultCredentials, "applicationDefaultCredentials()");
    }

    @Test
    void twoWaysOfAuthenticatingConflictNamingBoth() {
        DRIVE.conflict(b -> b.credentialsFile(Path.of("key.json")), b -> b.userCredentials("id", "secret", "token"),
                        "userCredentials(...)", "credentialsFile(key.json)")
                .conflict(b -> b.credentials(TOKEN), DriveStorageProvider.Builder::applicationDefaultCredentials,
                        "applicationDefaultCredentials()", "credentials(...)")
                .conflict(b -> b.drive(CLIENT), b -> b.credentials(TOKEN), "credentials(...)", "drive(...)");
    }

    @Test
    void anExistingClientConflictsWithWhatItAlreadyHasInEitherOrder() {
        DRIVE.conflict(b -> b.drive(CLIENT), b -> b.rootUrl("http://127.0.0.1/"), "rootUrl(...)", "drive(...)")
                .conflict(b -> b.drive(CLIENT), b -> b.transport(new NetHttpTransport()), "transport(...)", "drive(...)")
                .conflict(b -> b.drive(CLIENT), b -> b.impersonate("owner@example.com"), "impersonate(...)", "drive(...)")
                .conflict(b -> b.tokenServerUri(URI.create("http://127.0.0.1/token")), b -> b.drive(CLIENT),
                        "drive(...)", "tokenServerUri(...)");
    }

    @Test
    void buildChecksTheWholePictureNamingTheSettingToChange() {
        DRIVE.atBuild(b -> b.applicationDefaultCredentials(), DriveStorageProvider.Builder::build, "rootFolderId(")
                .atBuild(b -> b.rootFolderId("root1"), DriveStorageProvider.Builder::build, "credentials")
                .atBuild(b -> b.rootFolderId("root1").drive(CLIENT).chunkSize(256 * 1024).simpleUploadThreshold(512 * 1024),
                        DriveStorageProvider.Builder::build, "simpleUploadThreshold", "chunkSize");
    }
}
