package io.backupkit.testkit.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway PostgreSQL server run from a directory of binaries (initdb, pg_ctl): data under {@code target/},
 * a random loopback port, fsync off, as user {@code postgres} when this JVM is root. Local socket connections are
 * trusted; TCP connections need the password (scram-sha-256), so tests can check a wrong password is refused.
 */
final class LocalPostgresServer extends LocalServer {
    static final String SERVICE_USER = "postgres";
    // SIGQUIT = immediate shutdown: no checkpoint, the data is thrown away anyway.
    private static final String STOP_SIGNAL = "QUIT";

    private LocalPostgresServer(DatabaseEngine engine, Path dir, int port, String password, long pid,
                                Process watchdog) {
        super(engine, dir, port, password, pid, watchdog, STOP_SIGNAL);
    }

    /** Initialises a new cluster in a fresh directory and starts it; ~1 s. */
    static LocalPostgresServer start(DatabaseEngine engine, Path binDir) throws IOException, InterruptedException {
        Path dir = ServerProcesses.newServerDir(engine.shortName());
        ServerProcesses.giveTo(dir, SERVICE_USER);
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        Path passwordFile = dir.resolve("pwfile");
        String password = randomPassword();
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        ServerProcesses.giveTo(passwordFile, SERVICE_USER);
        Files.createFile(log);
        ServerProcesses.giveTo(log, SERVICE_USER);
        Duration timeout = Duration.ofSeconds(120);
        ServerProcesses.run(ServerProcesses.asServiceUser(SERVICE_USER, List.of(
                binDir.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + passwordFile,
                "--no-sync", "-E", "UTF8", "--locale=C")), log, timeout);
        Files.delete(passwordFile);
        int port = ServerProcesses.freePort();
        String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                + " -c max_wal_size=2GB -c max_prepared_transactions=10";
        ServerProcesses.run(ServerProcesses.asServiceUser(SERVICE_USER, List.of(
                binDir.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(),
                "-o", options, "-w", "-t", "60", "start")), log, timeout);
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        Files.writeString(dir.resolve(ServerProcesses.PID_FILE), Long.toString(pid));
        Process watchdog = ServerProcesses.startWatchdog(pid, STOP_SIGNAL, dir);
        return new LocalPostgresServer(engine, dir, port, password, pid, watchdog);
    }
}
