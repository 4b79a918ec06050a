package io.backupkit.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

@ExtendWith(DatabaseServers.class)
class DatabaseServersTest {

    @Test
    void postgres15GivesEachParameterItsOwnEmptyDatabase(@Postgres15 TestDatabase a, @Postgres15 TestDatabase b)
            throws SQLException {
        assertThat(a.name()).isNotEqualTo(b.name());
        try (Connection c = a.connect(); Statement s = c.createStatement()) {
            assertThat(single(s, "SHOW server_version")).startsWith("15.");
            assertThat(single(s, "SELECT current_database()")).isEqualTo(a.name());
            assertThat(single(s, "SHOW fsync")).isEqualTo("off");
            s.execute("CREATE TABLE only_in_a (id int)");
        }
        try (Connection c = b.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'")).isEqualTo("0");
        }
    }

    @Test
    void postgres18RunsTheSecondMajorVersion(@Postgres18 TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertThat(single(s, "SHOW server_version")).startsWith("18.");
            assertThat(single(s, "SELECT current_database()")).isEqualTo(db.name());
        }
    }

    @Test
    void mariadbGivesEachParameterItsOwnEmptyDatabase(@MariaDb TestDatabase a, @MariaDb TestDatabase b)
            throws SQLException {
        try (Connection c = a.connect(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT version()")).startsWith("10.11.");
            assertThat(single(s, "SELECT database()")).isEqualTo(a.name());
            s.execute("CREATE TABLE only_in_a (id int)");
        }
        try (Connection c = b.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_a'"
                    + " AND table_schema = database()")).isEqualTo("0");
        }
    }

    @Test
    void serversRefuseAWrongPasswordOverTcp(@Postgres15 TestDatabase pg, @MariaDb TestDatabase maria) {
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "wrong").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> DriverManager.getConnection(maria.jdbcUrl(), maria.user(), "wrong").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
    }

    @Test
    void theServerItselfCanBeInjectedAndIsSharedInTheJvm(@Postgres15 DatabaseServer server) {
        assertThat(server).isSameAs(DatabaseServers.postgres15());
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.adminUrl()).endsWith(":" + server.port() + "/postgres");
    }

    @Test
    void stoppingAPostgresServerEndsItsProcessAndDeletesItsDirectory() throws Exception {
        DatabaseServers.postgres15(); // aborts when PostgreSQL 15 is not installed
        LocalPostgresServer server = LocalPostgresServer.start(DatabaseEngine.POSTGRES_15,
                DatabaseServers.POSTGRES_15_BIN);
        TestDatabase db = server.createDatabase();
        try (Connection c = db.connect()) {
            assertThat(c.isValid(5)).isTrue();
        }
        server.close();
        assertThat(ServerProcesses.isAlive(server.pid())).isFalse();
        assertThat(server.directory()).doesNotExist();
        assertThat(accepts(server.port())).isFalse();
    }

    @Test
    void stoppingAMariaDbServerEndsItsProcessAndDeletesItsDirectory() throws Exception {
        DatabaseServers.mariadb();
        LocalMariaDbServer server = LocalMariaDbServer.start(
                DatabaseServers.findTool("mariadb-install-db").orElseThrow(),
                DatabaseServers.findTool("mariadbd").orElseThrow());
        try (Connection c = server.createDatabase().connect()) {
            assertThat(c.isValid(5)).isTrue();
        }
        server.close();
        assertThat(ServerProcesses.isAlive(server.pid())).isFalse();
        assertThat(server.directory()).doesNotExist();
        assertThat(accepts(server.port())).isFalse();
    }

    @Test
    void theWatchdogStopsTheServerWhenTheJvmGoesAway(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("server"));
        Process fakeServer = new ProcessBuilder("sleep", "300").start();
        Process watchdog = ServerProcesses.startWatchdog(fakeServer.pid(), "TERM", dir);
        watchdog.getOutputStream().close(); // what the OS does to the pipe when the JVM dies
        assertThat(fakeServer.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(watchdog.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(dir).doesNotExist();
    }

    @Test
    void serversLeftByADeadJvmAreKilledAndDeleted(@TempDir Path root) throws Exception {
        Process deadJvm = new ProcessBuilder("true").start();
        deadJvm.waitFor();
        Path dir = Files.createDirectory(root.resolve("pg15-" + deadJvm.pid() + "-1"));
        Path log = Files.createFile(dir.resolve("server.log"));
        Process leftover = new ProcessBuilder("tail", "-f", log.toString()).start(); // its command line names dir
        Files.writeString(dir.resolve(ServerProcesses.PID_FILE), Long.toString(leftover.pid()));
        Path alive = Files.createDirectory(root.resolve("pg15-" + ProcessHandle.current().pid() + "-1"));

        ServerProcesses.cleanLeftovers(root);

        assertThat(leftover.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(dir).doesNotExist();
        assertThat(alive).exists(); // belongs to a running JVM (this one)
    }

    @Test
    void aMissingServerSkipsLocallyButFailsInCi() {
        String message = "MariaDB is not installed: install the Debian package 'mariadb-server'";
        assertThat(DatabaseServers.missing(message, Map.of())).isInstanceOf(TestAbortedException.class)
                .hasMessage(message);
        assertThat(DatabaseServers.missing(message, Map.of("CI", "true")))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(message)
                .hasMessageContaining("CI=true");
    }

    @Test
    void aServerFromTheEnvironmentReplacesTheLocalOne(@Postgres15 DatabaseServer local) throws SQLException {
        DatabaseServer external = DatabaseServers.external(DatabaseEngine.POSTGRES_15, Map.of(
                "BACKUPKIT_TEST_POSTGRES_URL", local.adminUrl(), "BACKUPKIT_TEST_POSTGRES_USER", local.user(),
                "BACKUPKIT_TEST_POSTGRES_PASSWORD", local.password())).orElseThrow();
        assertThat(external.port()).isEqualTo(local.port());
        TestDatabase db = external.createDatabase();
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + local.port() + "/" + db.name());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT current_database()")).isEqualTo(db.name());
        }
        assertThat(DatabaseServers.external(DatabaseEngine.MARIADB, Map.of())).isEmpty();
    }

    @Test
    void databaseUrlsAreDerivedFromTheAdminUrl() {
        assertThat(BaseServer.withDatabase("jdbc:mariadb://h:3306/mysql?useSsl=false", "t1"))
                .isEqualTo("jdbc:mariadb://h:3306/t1?useSsl=false");
        assertThat(BaseServer.withDatabase("jdbc:mariadb://h", "t1")).isEqualTo("jdbc:mariadb://h/t1");
        assertThatThrownBy(() -> BaseServer.withDatabase("jdbc:h2:mem:x", "t1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:h2:mem:x");
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
