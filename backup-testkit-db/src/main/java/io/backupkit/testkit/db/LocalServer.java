package io.backupkit.testkit.db;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A throwaway database server this JVM started on a loopback port: its directory under {@code target/}, the
 * administrative password, the server's process id and the watchdog that stops it when the JVM goes away.
 */
abstract class LocalServer implements BaseServer, AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final DatabaseEngine engine;
    private final Path dir;
    private final int port;
    private final String password;
    private final long pid;
    private final Process watchdog;
    private final String stopSignal;

    /** @param stopSignal the signal {@link #close()} stops the server with (throwaway data: no clean shutdown) */
    LocalServer(DatabaseEngine engine, Path dir, int port, String password, long pid, Process watchdog,
                String stopSignal) {
        this.engine = engine;
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.pid = pid;
        this.watchdog = watchdog;
        this.stopSignal = stopSignal;
    }

    /** A new random password for the administrative user of a server. */
    static String randomPassword() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return "pw" + HexFormat.of().formatHex(random);
    }

    @Override
    public DatabaseEngine engine() {
        return engine;
    }

    /** The server's own administrative database, which always exists. */
    @Override
    public String adminUrl() {
        return engine.isPostgres() ? "jdbc:postgresql://" + HOST + ":" + port + "/postgres"
                : "jdbc:mariadb://" + HOST + ":" + port + "/mysql";
    }

    /** The superuser that the server's initialisation created. */
    @Override
    public String user() {
        return engine.isPostgres() ? "postgres" : "root";
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    long pid() {
        return pid;
    }

    Path directory() {
        return dir;
    }

    @Override
    public String toString() {
        return BaseServer.describe(this);
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        watchdog.destroy();
        ServerProcesses.stop(pid, stopSignal, Duration.ofSeconds(30));
        ServerProcesses.deleteRecursively(dir);
    }
}
