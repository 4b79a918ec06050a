package io.backupkit.jdbc.mariadb;

import io.backupkit.testkit.db.DatabaseContents;
import io.backupkit.jdbc.JdbcDumperRoundTripContract;
import io.backupkit.testkit.db.DirectoryBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.TableSelection;
import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;
import io.backupkit.testkit.db.DatabaseServers;
import javax.sql.DataSource;
import io.backupkit.api.RestoreMode;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The round-trip suite on a real MariaDB 10.11 server (started by the test kit; with CI=true a missing one fails). */
class MariaDbDumperTest extends JdbcDumperRoundTripContract {

    @Override
    protected AbstractJdbcDumper newDumper() {
        return new MariaDbDumper();
    }

    @Override
    protected DataSource createDatabase(String name) {
        return DatabaseServers.mariadb().createDatabase().dataSource();
    }

    @Override
    protected String idColumn() {
        return "id BIGINT AUTO_INCREMENT PRIMARY KEY";
    }

    @Override
    protected String timestampType() {
        return "DATETIME(6)";
    }

    @Override
    protected String blobType() {
        return "LONGBLOB";
    }

    @Test
    void everyTypeRoundTripsValueByValue() throws Exception {
        String bytes = allBytesHex();
        assertTypeMatrixRoundTrips(List.of(
                "CREATE TABLE `Order` (`select` INT PRIMARY KEY, `MixedCase` VARCHAR(100), ti TINYINT, tiu TINYINT UNSIGNED, "
                        + "si SMALLINT, mi MEDIUMINT, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, "
                        + "dec65 DECIMAL(65, 30), f FLOAT, d DOUBLE, b BOOLEAN, bt BIT(1), b10 BIT(10), c CHAR(5), "
                        + "vc VARCHAR(50) CHARACTER SET latin1, t LONGTEXT, bin VARBINARY(300), bl LONGBLOB, dt DATE, tm TIME(6), "
                        + "dtt DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, y YEAR, e ENUM('sad', 'ok', 'happy ü'), "
                        + "s SET('a', 'b', 'c d'), j JSON, u UUID, ip INET6, gen INT AS (`select` * 2) VIRTUAL, "
                        + "gs BIGINT AS (i + 1) STORED, upd DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
                        + "`from` INT, CONSTRAINT `Self` FOREIGN KEY (`from`) REFERENCES `Order` (`select`) ON DELETE SET NULL, "
                        + "CONSTRAINT positive CHECK (i IS NULL OR i > -2147483648 OR `select` = 1)) CHARACTER SET utf8mb4",
                "CREATE INDEX `Mixed Index` ON `Order` (`MixedCase` DESC, ti)",
                "CREATE UNIQUE INDEX u_vc ON `Order` (vc, c)",
                "CREATE VIEW `group` AS SELECT `select`, `MixedCase` FROM `Order` WHERE i > 0",
                "SET time_zone = '+05:00'",
                "INSERT INTO `Order` (`select`, `MixedCase`, ti, tiu, si, mi, i, iu, bi, biu, dec65, f, d, b, bt, b10, c, vc, t, "
                        + "bin, bl, dt, tm, dtt, ts, y, e, s, j, u, ip, upd, `from`) VALUES "
                        + "(1, 'Zażółć 😀 𝄞', -128, 255, -32768, -8388608, -2147483648, 4294967295, -9223372036854775808, "
                        + "18446744073709551615, 12345678901234567890123456789012345.123456789012345678901234567890, "
                        + "3.4e38, 1.7976931348623157e308, TRUE, b'1', b'1111111111', 'ab', 'Ã¼ber', '', x'', x'" + bytes + "', "
                        + "'0000-00-00', '-838:59:59.000000', '9999-12-31 23:59:59.999999', '2038-01-19 08:14:07.999999', 1901, "
                        + "'happy ü', 'a,c d', '{\"a\": [1, 2], \"u\": \"😀\"}', '00000000-0000-0000-0000-000000000000', '::1', "
                        + "'2020-01-01 00:00:00', 1), "
                        + "(2, '', 127, 0, 32767, 8388607, 2147483647, 0, 9223372036854775807, 0, -0.000000000000000000000000000001, "
                        + "-1.17549435e-38, 4.9e-324, FALSE, b'0', b'0', 'abcde', '', 'tab\tnl\nquote\\'s', x'00', x'00ff', "
                        + "'1000-01-01', '838:59:59.999999', '1000-01-01 00:00:00', '1970-01-01 05:00:01', 2155, 'sad', '', 'null', "
                        + "'ffffffff-ffff-ffff-ffff-ffffffffffff', '2001:db8::ff00:42:8329', NULL, 1), "
                        + "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                        + "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"),
                List.of("Order"));
    }

    @Test
    void wrongPasswordAndUnreachableHostAreClearConfigurationErrors() throws Exception {
        DatabaseServer server = DatabaseServers.mariadb();
        TestDatabase db = server.createDatabase();
        MariaDbDataSource wrong = new MariaDbDataSource(db.jdbcUrl());
        wrong.setUser(db.user());
        wrong.setPassword("not-the-password");
        DirectoryBackup backup = new DirectoryBackup(tempDir.resolve("pw"));
        assertThatThrownBy(() -> backup.dump(dumper, wrong, TableSelection.ALL, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("refused the login")
                .hasMessageNotContaining("not-the-password");

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        MariaDbDataSource nowhere = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + closedPort + "/app?connectTimeout=2000");
        nowhere.setUser("app");
        nowhere.setPassword("secret");
        assertThatThrownBy(() -> backup.dump(dumper, nowhere, TableSelection.ALL, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot reach");
        assertThatThrownBy(() -> backup.dump(dumper, db.dataSource(), TableSelection.include("missing_table"), 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("missing_table");
        assertThat(backup.objects()).isEmpty();
    }

    @Test
    void triggersAndRoutinesAreCapturedAndRestored() throws Exception {
        execute(source, "CREATE TABLE t (a INT PRIMARY KEY)",
                "CREATE TRIGGER t_audit BEFORE INSERT ON t FOR EACH ROW SET NEW.a = NEW.a * 10",
                "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
                "CREATE PROCEDURE noop() BEGIN END", "INSERT INTO t VALUES (1)");
        DirectoryBackup backup = backup(source, TableSelection.ALL);
        assertThat(backup.summary().warnings()).noneMatch(w -> w.contains("not captured"));
        assertThat(backup.summary().notCaptured()).isEmpty();
        DataSource target = createDatabase("objects");
        backup.restore(dumper, target, RestoreMode.REPLACE);
        execute(target, "INSERT INTO t VALUES (twice(1))", "CALL noop()");
        assertThat(DatabaseContents.rows(target, "t")).hasSize(2).anyMatch(r -> r.contains("20"));
    }

    /** Whether restores here go through LOAD DATA LOCAL INFILE (the MariaDB driver's default). */
    protected boolean expectLoadData() {
        return true;
    }

    @Test
    void restoreLoadsWithLoadDataLocalInfileWhereAllowed() throws Exception {
        execute(source, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO t VALUES (1, 'a'), (2, NULL)");
        DirectoryBackup backup = backup(source, TableSelection.ALL);
        DataSource target = createDatabase("load_data");
        long before = MariaDbBatchedInsertTest.loadStatements(target);
        backup.restore(dumper, target, RestoreMode.REPLACE);
        long loads = MariaDbBatchedInsertTest.loadStatements(target) - before;
        if (expectLoadData()) {
            assertThat(loads).isGreaterThanOrEqualTo(1);
        } else {
            assertThat(loads).isZero();
        }
        assertThat(DatabaseContents.rows(target, "t")).isEqualTo(DatabaseContents.rows(source, "t"));
    }
}
