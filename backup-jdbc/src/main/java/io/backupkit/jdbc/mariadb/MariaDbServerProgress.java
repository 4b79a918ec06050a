package io.backupkit.jdbc.mariadb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What MariaDB (or MySQL) is doing for a backup's or restore's sessions, for the engine's no-progress watchdog
 * ({@code DatabaseDumper.serverProgress}): their {@code information_schema.PROCESSLIST} rows, command, state, stage,
 * progress and examined rows, never {@code TIME}, which grows while a session only waits for a stalled client. A
 * statement at work moves its stage, progress or examined rows ({@code ALTER TABLE} and {@code LOAD DATA} report
 * progress); one blocked on the network does not. The sessions are found by their thread ids, which the drivers know
 * without asking the server (MariaDB Connector/J {@code getThreadId()}, MySQL Connector/J {@code getId()}).
 */
final class MariaDbServerProgress {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServerProgress.class);
    private static final int QUERY_TIMEOUT_SECONDS = 10;
    /** Driver connection classes and their thread-id getters. */
    private static final String[][] THREAD_ID = {
        {"org.mariadb.jdbc.Connection", "getThreadId"},
        {"com.mysql.cj.jdbc.JdbcConnection", "getId"},
    };

    private MariaDbServerProgress() {
    }

    static Optional<String> of(DataSource target, List<Connection> sessions) {
        List<Long> ids = new ArrayList<>();
        for (Connection s : sessions) {
            threadId(s).ifPresent(ids::add);
        }
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        String in = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        boolean mariaDb = true;
        try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            mariaDb = c.getMetaData().getDatabaseProductVersion().toLowerCase(java.util.Locale.ROOT).contains("mariadb");
            String columns = mariaDb ? "ID, COMMAND, STATE, STAGE, MAX_STAGE, PROGRESS, EXAMINED_ROWS, QUERY_ID, INFO"
                    : "ID, COMMAND, STATE, INFO";
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = st.executeQuery("SELECT " + columns + " FROM information_schema.PROCESSLIST WHERE ID IN ("
                    + in + ") ORDER BY ID")) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        String v = rs.getString(i);
                        out.append(v == null ? "" : v.length() > 100 ? v.substring(0, 100) : v).append('|');
                    }
                    out.append("; ");
                }
            }
            return Optional.of(out.toString());
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cannot ask {} what its sessions do: {}", mariaDb ? "MariaDB" : "MySQL", e.toString());
            return Optional.empty();
        }
    }

    /**
     * Ends a session at once. MariaDB Connector/J's {@code abort} opens a new connection to send {@code KILL} (which
     * waits for the connect timeout when the server or network froze) and then reads from the socket under the lock a
     * blocked reader holds, so it never returns while the dump it should end is blocked. Destroying its socket (the
     * driver's own {@code destroySocket}) makes the blocked read or write fail now; the server ends the session when
     * it sees the connection closed. Other drivers get the standard {@code abort}.
     */
    static void abort(Connection session) throws SQLException {
        try {
            Class<?> type = Class.forName("org.mariadb.jdbc.Connection", false, session.getClass().getClassLoader());
            if (session.isWrapperFor(type)) {
                Object client = type.getMethod("getClient").invoke(session.unwrap(type));
                java.lang.reflect.Method destroy = findMethod(client.getClass(), "destroySocket");
                if (destroy != null) {
                    destroy.setAccessible(true);
                    destroy.invoke(client);
                    return;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("cannot close the MariaDB session's socket directly ({}); aborting it", e.toString());
        }
        session.abort(Runnable::run);
    }

    private static java.lang.reflect.Method findMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredMethod(name);
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        return null;
    }

    private static Optional<Long> threadId(Connection s) {
        for (String[] driver : THREAD_ID) {
            try {
                Class<?> type = Class.forName(driver[0], false, s.getClass().getClassLoader());
                if (s.isWrapperFor(type)) {
                    Object id = type.getMethod(driver[1]).invoke(s.unwrap(type));
                    return Optional.of(((Number) id).longValue());
                }
            } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError e) {
                // not this driver, or the connection is closed
            }
        }
        return Optional.empty();
    }
}
