package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import io.backupkit.testkit.SilentTcpServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A database host that accepts TCP connections and never answers (a hung server, a black-holing proxy): the CLI's
 * default driver timeouts fail the backup within seconds, and the storage lock is free afterwards.
 */
class SilentDatabaseHostTest {
    @TempDir
    Path dir;
    SilentTcpServer silent;

    @BeforeEach
    void listen() {
        silent = SilentTcpServer.start();
    }

    @AfterEach
    void close() throws Exception {
        silent.close();
    }

    @ParameterizedTest
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the defaults the drivers wait for ever
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aBackupFailsWithinTheConnectTimeoutAndLeavesTheLockFree(String driver) throws Exception {
        String url = "jdbc:" + driver + "://127.0.0.1:" + silent.port() + "/app";
        long start = System.nanoTime();
        assertThatThrownBy(() -> JdbcDataSource.of(url, "u", "p", false).getConnection()).isInstanceOf(SQLException.class);
        assertThat((System.nanoTime() - start) / 1_000_000_000.0).as("seconds until the connection failed").isLessThan(20);
        assertThat(silent.acceptedConnections()).as("the listener accepted the connection").isPositive();

        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        String storage = "file:" + dir.resolve("store");
        start = System.nanoTime();
        assertThat(run("--storage", storage, "backup", "--db", url, "--db-user", "u")).isNotZero();
        assertThat((System.nanoTime() - start) / 1_000_000_000.0).as("seconds until the backup failed").isLessThan(25);
        // The lock is free: the next operation on that storage starts at once instead of failing with "locked".
        assertThat(run("--storage", storage, "backup", "--files", media.toString())).isZero();
    }

    private int run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Main main = new Main();
        main.stdout = new PrintStream(sink, true, StandardCharsets.UTF_8);
        main.stderr = new PrintStream(sink, true, StandardCharsets.UTF_8);
        main.environment = Map.of("BACKUPKIT_DB_PASSWORD", "p");
        main.workDir = dir;
        main.terminal = false;
        return main.execute(args);
    }
}
