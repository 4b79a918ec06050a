package io.backupkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.jdbc.mariadb.MariaDbDumpDumper;
import io.backupkit.jdbc.postgres.PgDumpDumper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native-tool dumpers' one builder: each setter checks its argument at once and may be used once. */
class NativeToolBuilderTest {
    @TempDir
    Path dir;

    @Test
    void aBadArgumentNamesTheSetting() {
        assertThatThrownBy(() -> PgDumpDumper.builder().binDirectory(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binDirectory");
        assertThatThrownBy(() -> PgDumpDumper.builder().password(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> MariaDbDumpDumper.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> MariaDbDumpDumper.builder().timeout(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }

    @Test
    void settingTheSameThingTwiceFailsAndNeverShowsThePassword() {
        assertThatThrownBy(() -> PgDumpDumper.builder().binDirectory(dir).binDirectory(dir))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("binDirectory");
        assertThatThrownBy(() -> MariaDbDumpDumper.builder().password("s3cret").password("other"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("password")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PgDumpDumper.builder().timeout(Duration.ofMinutes(1)).timeout(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("timeout");
    }

    @Test
    void theToolsAreLookedUpInTheConfiguredDirectory() throws Exception {
        assertThat(PgDumpDumper.builder().binDirectory(dir).build().isInstalled()).isFalse();
        assertThat(MariaDbDumpDumper.builder().binDirectory(dir).build().isInstalled()).isFalse();
        Path pgDump = Files.createFile(dir.resolve("pg_dump"));
        Path mysqldump = Files.createFile(dir.resolve("mysqldump"));
        assertThat(PgDumpDumper.builder().binDirectory(dir).build().isInstalled()).as("not executable").isFalse();
        assertThat(pgDump.toFile().setExecutable(true)).isTrue();
        assertThat(mysqldump.toFile().setExecutable(true)).isTrue();
        assertThat(PgDumpDumper.builder().binDirectory(dir).build().isInstalled()).isTrue();
        assertThat(MariaDbDumpDumper.builder().binDirectory(dir).build().isInstalled()).as("the MySQL name").isTrue();
    }
}
