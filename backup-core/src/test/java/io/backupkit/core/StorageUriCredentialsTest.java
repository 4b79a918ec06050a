package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.spi.StorageUris;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** No storage URI's credential is ever echoed: not in the message, not in any cause. */
class StorageUriCredentialsTest {

    private static void noSecretAnywhere(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cr3t");
        }
    }

    @Test
    void aFileUriWithAUserAndPasswordFailsWithoutShowingThem() {
        assertThatThrownBy(() -> BackupKit.builder().storage("file://admin:s3cr3t@backuphost/x").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("backuphost")
                .satisfies(StorageUriCredentialsTest::noSecretAnywhere);
    }

    @Test
    void aMalformedUriWithCredentialsFailsWithoutShowingThem() {
        assertThatThrownBy(() -> BackupKit.builder().storage("file://admin:s3cr3t@backup host/x y").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("malformed")
                .satisfies(StorageUriCredentialsTest::noSecretAnywhere);
        assertThatThrownBy(() -> BackupKit.builder().storage(URI.create("//admin:s3cr3t@host/x")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no scheme")
                .satisfies(StorageUriCredentialsTest::noSecretAnywhere);
    }

    @Test
    void redactionKeepsEverythingButTheUserInfo() {
        assertThat(StorageUris.redacted("s3://key:s3cr3t@bucket/prefix?region=eu")).isEqualTo("s3://***@bucket/prefix?region=eu");
        assertThat(StorageUris.redacted(URI.create("file:/var/backups"))).isEqualTo("file:/var/backups");
        assertThat(StorageUris.redacted("file:./a@b")).isEqualTo("file:./a@b");
    }
}
