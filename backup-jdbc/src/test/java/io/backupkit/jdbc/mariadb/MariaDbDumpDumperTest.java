package io.backupkit.jdbc.mariadb;

import io.backupkit.jdbc.postgres.PostgresDumperTest;
import io.backupkit.testkit.db.DirectoryBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import io.backupkit.testkit.db.DatabaseServers;

/** The mariadb-dump / mariadb dumper against a real MariaDB 10.11. */
@ExtendWith(DatabaseServers.class)
class MariaDbDumpDumperTest {
    @TempDir
    Path tmp;
    private Path wrappers;

    /** The tools behind wrappers that record the command line and environment they really got. */
    @BeforeEach
    void wrapTools() throws Exception {
        wrappers = Files.createDirectory(tmp.resolve("bin"));
        for (String tool : List.of("mariadb-dump", "mariadb")) {
            Path real = Path.of("/usr/bin", tool);
            if (!Files.isExecutable(real)) {
                String message = tool + " is not installed: install the Debian package 'mariadb-client'";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new IllegalStateException(message + " (CI=true: a missing tool fails the build)");
                }
                Assumptions.abort(message);
            }
            Path script = wrappers.resolve(tool);
            Files.writeString(script, "#!/bin/sh\n"
                    + "tr '\\000' ' ' < /proc/$$/cmdline > \"$(dirname \"$0\")/" + tool + ".cmdline\"\n"
                    + "env > \"$(dirname \"$0\")/" + tool + ".env\"\n"
                    + "exec " + real + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void roundTripsTablesAndRoutinesAndThePasswordNeverReachesTheCommandLine(@MariaDb TestDatabase source,
            @MariaDb TestDatabase target) throws Exception {
        PostgresDumperTest.execute(source.dataSource(),
                "CREATE TABLE `order` (id INT AUTO_INCREMENT PRIMARY KEY, total DECIMAL(12, 2), note TEXT,"
                        + " data BLOB, kind ENUM('a', 'b'), flags SET('x', 'y'))",
                "CREATE PROCEDURE bump() UPDATE `order` SET total = total + 1",
                "CREATE TRIGGER order_note BEFORE INSERT ON `order` FOR EACH ROW"
                        + " SET NEW.note = COALESCE(NEW.note, 'auto')",
                "INSERT INTO `order` (total, note, data, kind, flags) VALUES (1.50, 'Zażółć 😀', X'00FF10', 'b',"
                        + " 'x,y'), (2.25, NULL, NULL, NULL, '')");
        MariaDbDumpDumper dumper = MariaDbDumpDumper.builder().binDirectory(wrappers).password(source.password())
                .build();
        DirectoryBackup backup = new DirectoryBackup(tmp.resolve("backup"));
        DumpSummary summary = backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        assertThat(summary.tables()).extracting(t -> t.name() + "=" + t.rows()).containsExactly("order=2");

        backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE);

        String rows = "SELECT id, total, note, HEX(data), kind, flags FROM `order` ORDER BY id";
        assertThat(PostgresDumperTest.query(target, rows)).isEqualTo(PostgresDumperTest.query(source, rows))
                .contains("1|1.50|Zażółć 😀|00FF10|b|x,y");
        PostgresDumperTest.execute(target.dataSource(), "INSERT INTO `order` (total) VALUES (7)", "CALL bump()");
        assertThat(PostgresDumperTest.query(target, "SELECT id, note, total FROM `order` WHERE id = 3"))
                .containsExactly("3|auto|8.00");

        for (String tool : List.of("mariadb-dump", "mariadb")) {
            String cmdline = Files.readString(wrappers.resolve(tool + ".cmdline"));
            String env = Files.readString(wrappers.resolve(tool + ".env"));
            assertThat(cmdline).contains("--defaults-extra-file=").doesNotContain(source.password())
                    .doesNotContain("--password");
            assertThat(env).doesNotContain("MYSQL_PWD").doesNotContain(source.password());
            String optionFile = cmdline.replaceAll("(?s).*--defaults-extra-file=(\\S+).*", "$1");
            assertThat(Path.of(optionFile)).as("option file deleted after " + tool).doesNotExist();
        }
    }

    @Test
    void aFailingDumpReportsTheToolsMessageWithoutThePassword(@MariaDb TestDatabase source) {
        MariaDbDumpDumper dumper = MariaDbDumpDumper.builder().binDirectory(wrappers).password("wrong-password")
                .build();
        assertThatThrownBy(() -> new DirectoryBackup(tmp.resolve("b")).dump(dumper, source.dataSource(),
                TableSelection.ALL, 1))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("failed with exit code")
                .hasMessageContaining("Access denied")
                .hasMessageNotContaining("wrong-password");
    }
}
