package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import io.backupkit.api.spi.StorageUris;
import java.net.URI;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalStorageProviderFactoryTest {
    private static final Path WORKING_DIRECTORY = Path.of(System.getProperty("user.dir")).toAbsolutePath();

    @TempDir
    Path temp;

    @Test
    void factoryIsFoundByServiceLoaderForSchemeFile() {
        assertThat(ServiceLoader.load(StorageProviderFactory.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(f -> {
                    assertThat(f).isInstanceOf(LocalStorageProviderFactory.class);
                    assertThat(f.scheme()).isEqualTo("file");
                });
    }

    @Test
    void relativeFormsResolveAgainstTheWorkingDirectory() {
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:backups"))).isEqualTo(WORKING_DIRECTORY.resolve("backups"));
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:./backups"))).isEqualTo(WORKING_DIRECTORY.resolve("backups"));
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:target/x/../y"))).isEqualTo(WORKING_DIRECTORY.resolve("target/y"));
    }

    @Test
    void absoluteFormsAreAbsolute() {
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:/var/backups/app"))).isEqualTo(Path.of("/var/backups/app"));
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:///var/backups/app"))).isEqualTo(Path.of("/var/backups/app"));
        assertThat(LocalStorageProviderFactory.toPath(URI.create("FILE:/var/backups/app"))).isEqualTo(Path.of("/var/backups/app"));
    }

    @Test
    void percentEscapesAreDecoded() {
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:/srv/my%20backups"))).isEqualTo(Path.of("/srv/my backups"));
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:///srv/caf%C3%A9"))).isEqualTo(Path.of("/srv/caf\u00e9"));
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:my%20backups"))).isEqualTo(WORKING_DIRECTORY.resolve("my backups"));
        assertThat(LocalStorageProviderFactory.toPath(URI.create("file:/srv/what%3F"))).isEqualTo(Path.of("/srv/what?"));
    }

    @Test
    void createGivesAProviderAtThatFolder() {
        StorageProvider provider = new LocalStorageProviderFactory().create(temp.resolve("dir with space").toUri());
        assertThat(provider).isInstanceOf(LocalStorageProvider.class);
        assertThat(((LocalStorageProvider) provider).root()).isEqualTo(temp.resolve("dir with space"));
        assertThat(provider.description()).isEqualTo("file:" + temp.resolve("dir with space"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file://host/var/backups", "file://localhost/var/backups", "file://user@host:22/x"})
    void hostFormsAreRejectedSayingTheAcceptedForms(String uri) {
        assertThatThrownBy(() -> new LocalStorageProviderFactory().create(URI.create(uri)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names a host")
                .hasMessageContaining(StorageUris.redacted(uri))
                .hasMessageContaining("file:<relative/path>")
                .hasMessageContaining("file:/absolute/path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:/var/backups?mode=fast", "file:backups?x", "file:///var/b?"})
    void queriesAreRejected(String uri) {
        assertThatThrownBy(() -> new LocalStorageProviderFactory().create(URI.create(uri)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has a query")
                .hasMessageContaining("file:/absolute/path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:/var/backups#x", "file:backups#", "file:///var/backups#frag"})
    void fragmentsAreRejected(String uri) {
        assertThatThrownBy(() -> new LocalStorageProviderFactory().create(URI.create(uri)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has a fragment")
                .hasMessageContaining("file:/absolute/path");
    }

    @Test
    void tildeIsRejectedBecauseItIsNotExpanded() {
        assertThatThrownBy(() -> new LocalStorageProviderFactory().create(URI.create("file:~/backups")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'~'")
                .hasMessageContaining("absolute path");
    }

    @Test
    void otherSchemesAreRejected() {
        assertThatThrownBy(() -> new LocalStorageProviderFactory().create(URI.create("s3://bucket/x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a file: URI");
    }

    @Test
    void unusableFolderFailsAtCreateNamingThePath() throws Exception {
        Path file = java.nio.file.Files.writeString(temp.resolve("plain-file"), "x");
        URI uri = file.resolve("backups").toUri();
        assertThatThrownBy(() -> new LocalStorageProviderFactory().create(uri))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.resolve("backups").toString())
                .hasMessageContaining("is a file, not a folder");
    }
}
