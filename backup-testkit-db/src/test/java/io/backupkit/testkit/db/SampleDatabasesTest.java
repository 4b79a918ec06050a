package io.backupkit.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class SampleDatabasesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingSampleSkipsWithTheInstallCommandLocallyAndFailsInCi() {
        Path missing = dir.resolve("include/world.inc");

        assertThatThrownBy(() -> SampleDatabases.file(missing, "mariadb-test-data", Map.of()))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("sudo apt-get install -y mariadb-test-data");
        assertThatThrownBy(() -> SampleDatabases.file(missing, "mariadb-test-data", Map.of("CI", "true")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apt-get install -y mariadb-test-data")
                .hasMessageContaining("CI=true");
    }

    @Test
    void anInstalledSampleIsItsPath() throws Exception {
        Path present = Files.writeString(dir.resolve("world.inc"), "CREATE TABLE t (i INT);");

        assertThat(SampleDatabases.file(present, "mariadb-test-data", Map.of("CI", "true"))).isEqualTo(present);
    }
}
