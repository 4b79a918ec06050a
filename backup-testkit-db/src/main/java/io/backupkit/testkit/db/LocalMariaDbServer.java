package io.backupkit.testkit.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway MariaDB server: {@code mariadb-install-db} into a directory under {@code target/}, then
 * {@code mariadbd} on a random loopback port with durability off, as user {@code mysql} when this JVM is root.
 * {@code root} gets a random password for TCP connections.
 */
final class LocalMariaDbServer extends LocalServer {
    static final String SERVICE_USER = "mysql";
    private static final String STOP_SIGNAL = "KILL"; // throwaway data: no clean shutdown needed

    private LocalMariaDbServer(Path dir, int port, String password, long pid, Process watchdog) {
        super(DatabaseEngine.MARIADB, dir, port, password, pid, watchdog, STOP_SIGNAL);
    }

    static LocalMariaDbServer start(Path installDb, Path mariadbd) throws IOException, InterruptedException {
        Path dir = ServerProcesses.newServerDir(DatabaseEngine.MARIADB.shortName());
        ServerProcesses.giveTo(dir, SERVICE_USER);
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        boolean root = ServerProcesses.isRoot();
        List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults"));
        if (root) {
            install.add("--user=" + SERVICE_USER);
        }
        install.addAll(List.of("--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"));
        ServerProcesses.run(install, dir.resolve("install.log"), Duration.ofSeconds(120));

        String password = randomPassword();
        Path init = dir.resolve("init.sql");
        Files.writeString(init, "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + password + "';\n"
                + "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + password + "';\n"
                + "ALTER USER 'root'@'::1' IDENTIFIED BY '" + password + "';\n");
        ServerProcesses.giveTo(init, SERVICE_USER);

        int port = ServerProcesses.freePort();
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // a Ctrl-C to the build reaches the JVM's shutdown hook, not the server
        }
        command.addAll(List.of(mariadbd.toString(), "--no-defaults"));
        if (root) {
            command.add("--user=" + SERVICE_USER);
        }
        command.addAll(List.of("--datadir=" + data, "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mysqld.sock"), "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--log-error=" + log, "--init-file=" + init, "--skip-name-resolve", "--skip-log-bin",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_bin",
                "--innodb-flush-method=nosync", "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
                "--innodb-buffer-pool-size=128M", "--innodb-log-file-size=512M", "--max-allowed-packet=1G",
                "--max-connections=300", "--local-infile=1"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
        long pid = process.pid();
        Files.writeString(dir.resolve(ServerProcesses.PID_FILE), Long.toString(pid));
        Process watchdog = ServerProcesses.startWatchdog(pid, STOP_SIGNAL, dir);
        LocalMariaDbServer server = new LocalMariaDbServer(dir, port, password, pid, watchdog);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection(server.adminUrl(), "root", password)) {
                Files.delete(init); // holds the password; read once at start-up
                return server;
            } catch (SQLException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String why = "MariaDB did not start (" + (process.isAlive() ? "timeout" : "exit code "
                            + process.exitValue()) + "); log:\n" + ServerProcesses.tail(log);
                    server.close();
                    throw new IOException(why, notYet);
                }
                Thread.sleep(50);
            }
        }
    }
}
