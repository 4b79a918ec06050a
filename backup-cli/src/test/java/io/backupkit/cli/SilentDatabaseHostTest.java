package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
    ServerSocket silent;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept()); // and never send a byte
                } catch (Exception e) {
                    return;
                }
            }
        }, "silent-listener");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void close() throws Exception {
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @ParameterizedTest
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the defaults the drivers wait for ever
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aBackupFailsWithinTheConnectTimeoutAndLeavesTheLockFree(String driver) throws Exception {
        String url = "jdbc:" + driver + "://127.0.0.1:" + silent.getLocalPort() + "/app";
        long start = System.nanoTime();
        assertThatThrownBy(() -> JdbcDataSource.of(url, "u", "p", false).getConnection()).isInstanceOf(SQLException.class);
        assertThat((System.nanoTime() - start) / 1_000_000_000.0).as("seconds until the connection failed").isLessThan(20);
        assertThat(accepted).as("the listener accepted the connection").isNotEmpty();

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
