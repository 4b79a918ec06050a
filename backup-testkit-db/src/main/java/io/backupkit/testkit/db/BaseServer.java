package io.backupkit.testkit.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Creates databases on a server through its administrative URL; the same for local and external servers. */
interface BaseServer extends DatabaseServer {
    /** {@code jdbc:<driver>://} host and port, database, parameters. */
    Pattern URL = Pattern.compile("^(jdbc:[a-z0-9]+://)([^/?;]+)(/[^?;]*)?([?;].*)?$");
    /** Numbers the databases this JVM creates. */
    AtomicInteger COUNTER = new AtomicInteger();

    @Override
    default TestDatabase createDatabase() {
        String name = "t" + COUNTER.incrementAndGet() + "_"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        String sql = engine().isPostgres()
                ? "CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0"
                : "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        try (Connection c = DriverManager.getConnection(adminUrl(), user(), password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + " on " + engine().displayName()
                    + " at " + adminUrl() + ": " + e.getMessage(), e);
        }
        return new TestDatabase(engine(), name, withDatabase(adminUrl(), name), user(), password());
    }

    /** The JDBC URL with its database part replaced. */
    static String withDatabase(String jdbcUrl, String database) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported JDBC URL (expected jdbc:<driver>://host:port/db): "
                    + jdbcUrl);
        }
        return m.group(1) + m.group(2) + "/" + database + (m.group(4) == null ? "" : m.group(4));
    }

    /** Host of a {@code jdbc:<driver>://host:port/...} URL. */
    static String hostOf(String jdbcUrl) {
        String hostPort = hostPort(jdbcUrl);
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 || hostPort.endsWith("]") ? hostPort : hostPort.substring(0, colon);
    }

    /** Port of a {@code jdbc:<driver>://host:port/...} URL, or the engine's default. */
    static int portOf(String jdbcUrl, int defaultPort) {
        String hostPort = hostPort(jdbcUrl);
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 || hostPort.endsWith("]") ? defaultPort : Integer.parseInt(hostPort.substring(colon + 1));
    }

    private static String hostPort(String jdbcUrl) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported JDBC URL (expected jdbc:<driver>://host:port/db): "
                    + jdbcUrl);
        }
        return m.group(2);
    }

    /** What a server's {@code toString} says: the engine and the URL (never the password). */
    static String describe(DatabaseServer server) {
        return server.engine().displayName() + " at " + server.adminUrl();
    }
}
