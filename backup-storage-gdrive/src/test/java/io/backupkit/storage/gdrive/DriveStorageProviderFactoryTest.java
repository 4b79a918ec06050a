package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DriveStorageProviderFactoryTest {
    @TempDir
    Path dir;
    FakeDrive fake;

    @BeforeEach
    void start() {
        fake = new FakeDrive(dir.resolve("server"));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private static String enc(Object value) {
        return URLEncoder.encode(value.toString(), StandardCharsets.UTF_8);
    }

    private String testEndpoints() {
        return "rootUrl=" + enc(fake.server.rootUrl()) + "&tokenUri=" + enc(fake.server.tokenUri());
    }

    @Test
    void isFoundByTheServiceLoaderForTheGdriveScheme() {
        assertThat(ServiceLoader.load(StorageProviderFactory.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(f -> f.scheme().equals("gdrive")).hasSize(1).first().isInstanceOf(DriveStorageProviderFactory.class);
    }

    @Test
    void aUriWithACredentialsFileGivesAWorkingProviderBelowItsSubPath() throws IOException {
        Path credentials = ServiceAccountKeys.userCredentialsFile(dir, FakeDrive.CLIENT_ID, FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN);
        URI uri = URI.create("gdrive://" + fake.rootFolderId + "/apps/shop?credentials=" + enc(credentials) + "&chunkSize=256KiB&" + testEndpoints());
        try (StorageProvider p = new DriveStorageProviderFactory(name -> null).create(uri)) {
            assertThat(p.description()).isEqualTo("gdrive://" + fake.rootFolderId + "/apps/shop");
            p.put("a/x.bin", ContentSource.of(new byte[300 * 1024]));
            try (InputStream in = p.get("a/x.bin")) {
                assertThat(in.readAllBytes()).hasSize(300 * 1024);
            }
        }
        assertThat(fake.server.requests(FakeDriveServer.LoggedRequest::isChunk)).hasSize(2); // 256 KiB chunks
        assertThat(fake.server.children(fake.rootFolderId)).extracting(FakeDriveServer.FakeFile::name).containsExactly("apps");
    }

    @Test
    void credentialsComeFromTheFileNamedByAnEnvironmentVariable() {
        Path credentials = ServiceAccountKeys.userCredentialsFile(dir, FakeDrive.CLIENT_ID, FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN);
        Map<String, String> env = Map.of("MY_DRIVE_CREDENTIALS", credentials.toString(),
                DriveStorageProviderFactory.DEFAULT_CREDENTIALS_VARIABLE, credentials.toString());
        DriveStorageProviderFactory factory = new DriveStorageProviderFactory(env::get);
        for (String query : new String[] {"credentialsEnv=MY_DRIVE_CREDENTIALS&", ""}) {
            URI uri = URI.create("gdrive://" + fake.rootFolderId + "?" + query + testEndpoints());
            try (StorageProvider p = factory.create(uri)) {
                p.put("k", ContentSource.of(new byte[] {1}));
                assertThat(p.stat("k")).isPresent();
            }
        }
    }

    @Test
    void aMissingEnvironmentVariableIsExplained() {
        DriveStorageProviderFactory factory = new DriveStorageProviderFactory(name -> null);
        assertThatThrownBy(() -> factory.builderFor(URI.create("gdrive://abc?credentialsEnv=NOPE")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("NOPE").hasMessageContaining("not set");
    }

    @Test
    void aFolderThatDoesNotExistIsAConfigurationError() {
        Path credentials = ServiceAccountKeys.userCredentialsFile(dir, FakeDrive.CLIENT_ID, FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN);
        URI uri = URI.create("gdrive://1NoSuchFolder?credentials=" + enc(credentials) + "&" + testEndpoints());
        assertThatThrownBy(() -> new DriveStorageProviderFactory(name -> null).create(uri))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("1NoSuchFolder").hasMessageContaining("shared with");
    }

    @Test
    void aFileIdInsteadOfAFolderIdIsAConfigurationError() {
        String fileId = fake.server.seedFile(fake.rootFolderId, "x", new byte[1], java.time.Instant.now());
        Path credentials = ServiceAccountKeys.userCredentialsFile(dir, FakeDrive.CLIENT_ID, FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN);
        URI uri = URI.create("gdrive://" + fileId + "?credentials=" + enc(credentials) + "&" + testEndpoints());
        assertThatThrownBy(() -> new DriveStorageProviderFactory(name -> null).create(uri))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a folder");
    }

    @Test
    void aFolderTheCredentialsCannotWriteToIsAConfigurationError() {
        fake.server.makeReadOnly(fake.rootFolderId);
        Path credentials = ServiceAccountKeys.userCredentialsFile(dir, FakeDrive.CLIENT_ID, FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN);
        URI uri = URI.create("gdrive://" + fake.rootFolderId + "?credentials=" + enc(credentials) + "&" + testEndpoints());
        assertThatThrownBy(() -> new DriveStorageProviderFactory(name -> null).create(uri))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not writable").hasMessageContaining("Editor");
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_secret=GOCSPX-abc", "refresh_token=1//x-refresh", "private_key=MIIEvQ-key", "token=ya29.x-token",
        "password=hunter2-pw", "clientSecret=GOCSPX-xyz"})
    void secretsInTheUriAreRefusedWithoutRepeatingThem(String parameter) {
        URI uri = URI.create("gdrive://abc?" + parameter);
        assertThatThrownBy(() -> new DriveStorageProviderFactory(name -> null).builderFor(uri))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("credentials=<path>")
                .hasMessageNotContaining(parameter.substring(parameter.indexOf('=') + 1));
    }

    @Test
    void userInformationInTheUriIsRefused() {
        assertThatThrownBy(() -> new DriveStorageProviderFactory(name -> null).builderFor(URI.create("gdrive://user:s3cret@abc/x")))
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("s3cret");
    }

    @Test
    void malformedUrisSayWhatIsExpected() {
        DriveStorageProviderFactory factory = new DriveStorageProviderFactory(name -> null);
        assertThatThrownBy(() -> factory.builderFor(URI.create("gdrive:///x"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("folder id");
        assertThatThrownBy(() -> factory.builderFor(URI.create("gdrive://abc?colour=blue"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("colour").hasMessageContaining("credentials");
        assertThatThrownBy(() -> factory.builderFor(URI.create("gdrive://abc/../x")).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("base path");
        assertThatThrownBy(() -> factory.builderFor(URI.create("gdrive://abc?chunkSize=lots"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("chunkSize");
        assertThatThrownBy(() -> factory.builderFor(URI.create("s3://abc"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> factory.builderFor(URI.create("gdrive://abc?credentials=/nonexistent.json")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("/nonexistent.json");
    }

    @Test
    void sizesFollowTheOneSizeSyntax() {
        assertThat(DriveStorageProviderFactory.parseSize("chunkSize", "8MiB")).isEqualTo(8 * 1024 * 1024);
        assertThat(DriveStorageProviderFactory.parseSize("chunkSize", "8MB")).isEqualTo(8_000_000);
        assertThat(DriveStorageProviderFactory.parseSize("chunkSize", "256KiB")).isEqualTo(256 * 1024);
        assertThat(DriveStorageProviderFactory.parseSize("chunkSize", "262144")).isEqualTo(262144);
        assertThatThrownBy(() -> DriveStorageProviderFactory.parseSize("chunkSize", "256k"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("gdrive URI parameter chunkSize")
                .hasMessageContaining("write KB (1000) or KiB (1024)");
    }

    @Test
    void chunkSizeOf8MBIsAcceptedAndRoundedToDrivesGranularity() {
        Path credentials = ServiceAccountKeys.userCredentialsFile(dir, FakeDrive.CLIENT_ID, FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN);
        DriveStorageProviderFactory factory = new DriveStorageProviderFactory(name -> null);
        try (DriveStorageProvider p = factory.builderFor(URI.create("gdrive://" + fake.rootFolderId + "?credentials="
                + enc(credentials) + "&chunkSize=8MB&maxAttempts=3&" + testEndpoints())).build()) {
            assertThat(p.chunkSize()).isEqualTo(30 * 256 * 1024); // 8,000,000 rounded down to a multiple of 256 KiB
            assertThat(p.retries()).isEqualTo(new io.backupkit.api.RetryPolicy(3,
                    DriveStorageProvider.Builder.DEFAULT_RETRIES.initialDelay(), DriveStorageProvider.Builder.DEFAULT_RETRIES.maxDelay()));
        }
        assertThatThrownBy(() -> factory.builderFor(URI.create("gdrive://abc?maxAttempts=0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxAttempts").hasMessageContaining("including the first");
    }
}
