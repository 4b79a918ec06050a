package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import io.backupkit.testkit.StorageProviderContract;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract, for a folder relative to the working directory, created the way an application configures it:
 * a {@code file:target/...} URI given to the factory found by {@link ServiceLoader}.
 */
class LocalStorageProviderRelativeUriContractTest extends StorageProviderContract {
    private Path folder;

    @Override
    protected StorageProvider createProvider() {
        String relative = "target/contract-relative/" + UUID.randomUUID();
        StorageProviderFactory factory = ServiceLoader.load(StorageProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.scheme().equals("file"))
                .findFirst().orElseThrow(() -> new AssertionError("no StorageProviderFactory for file: registered"));
        StorageProvider provider = factory.create(URI.create("file:" + relative));
        folder = Path.of(System.getProperty("user.dir")).resolve(relative).toAbsolutePath().normalize();
        assertThat(((LocalStorageProvider) provider).root()).isEqualTo(folder);
        return provider;
    }

    @Override
    protected void assertNoHiddenLeftovers() throws Exception {
        HiddenFiles.assertNone(folder);
    }

    @AfterEach
    void removeFolder() throws IOException {
        if (folder != null && Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
