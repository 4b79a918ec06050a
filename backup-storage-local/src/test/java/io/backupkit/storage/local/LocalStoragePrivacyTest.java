package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.spi.ContentSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups are not readable by other local users: objects are created 0600 and folders 0700 unless configured,
 * and no storage URI's credential is ever echoed in an error.
 */
class LocalStoragePrivacyTest {
    @TempDir
    Path temp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void objectsAre0600AndTheFoldersCreatedForThem0700ByDefault() throws Exception {
        Path root = temp.resolve("store");
        LocalStorageProvider storage = LocalStorageProvider.at(root);

        storage.put("backups/20260101T000000Z-full-abcd/db/public.t.rows", ContentSource.of("rows".getBytes(StandardCharsets.UTF_8)));

        assertThat(mode(root.resolve("backups/20260101T000000Z-full-abcd/db/public.t.rows"))).isEqualTo("rw-------");
        assertThat(mode(root.resolve("backups/20260101T000000Z-full-abcd/db"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("backups"))).isEqualTo("rwx------");
        assertThat(mode(root)).isEqualTo("rwx------");
    }

    @Test
    void configuredModesAreUsed() throws Exception {
        Path root = temp.resolve("shared");
        LocalStorageProvider storage = LocalStorageProvider.builder(root)
                .filePermissions(PosixFilePermissions.fromString("rw-r-----"))
                .folderPermissions(PosixFilePermissions.fromString("rwxr-x---"))
                .build();

        storage.put("a/b", ContentSource.of(new byte[] {1}));

        assertThat(mode(root.resolve("a/b"))).isEqualTo("rw-r-----");
        assertThat(mode(root.resolve("a"))).isEqualTo("rwxr-x---");
    }

    @Test
    void modesThatLockTheOwnerOutOrAreSetTwiceAreRefusedAtTheSetter() {
        LocalStorageProvider.Builder builder = LocalStorageProvider.builder(temp);
        assertThatThrownBy(() -> builder.filePermissions(PosixFilePermissions.fromString("r--------")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("filePermissions");
        assertThatThrownBy(() -> builder.folderPermissions(PosixFilePermissions.fromString("rw-------")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("folderPermissions");
        builder.filePermissions(PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> builder.filePermissions(PosixFilePermissions.fromString("rw-r-----")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    }

    @Test
    void aFileUriWithCredentialsNeverEchoesThem() {
        assertThatThrownBy(() -> LocalStorageProviderFactory.toPath(URI.create("file://admin:s3cr3t@backuphost/x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("backuphost")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t").doesNotContain("admin"));
    }
}
