package io.backupkit.jdbc.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.ConfigurationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Small JDBC helpers shared by the dumpers: connecting with precise errors, running DDL, redacting URLs. */
public final class JdbcSupport {
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;:](?:password|pass|pwd|user|username|sslpassword|sslkey|accessToken|token)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?;]*@");

    private JdbcSupport() {
    }

    /**
     * Opens a connection; a refused login or an unreachable server becomes a {@link ConfigurationException} that
     * says which, without credentials.
     *
     * @param role "source" or "target", for the message
     */
    public static Connection connect(DataSource ds, String role) {
        try {
            return ds.getConnection();
        } catch (SQLException e) {
            throw connectionFailure(e, role);
        }
    }

    /** Translates a failure to connect. */
    public static BackupException connectionFailure(SQLException e, String role) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (state.startsWith("28") || msg.contains("access denied") || msg.contains("password authentication failed")
                || msg.contains("wrong user name or password")) {
            return new ConfigurationException("the " + role + " database refused the login (SQLState " + state
                    + "): check the user name and password", e);
        }
        if (state.startsWith("08") || msg.contains("connection refused") || msg.contains("could not connect")
                || msg.contains("unknownhost") || msg.contains("socket") || msg.contains("connect")) {
            return new ConfigurationException("cannot reach the " + role + " database (SQLState " + state
                    + "): check host, port and that the server is running", e);
        }
        return new ConfigurationException("cannot open a connection to the " + role + " database: " + e.getMessage(), e);
    }

    /** Runs statements in order; a failure names the statement. */
    public static void execute(Connection c, List<String> sqls) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : sqls) {
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    throw new SQLException(e.getMessage() + " [while running: " + shorten(sql) + "]", e.getSQLState(),
                            e.getErrorCode(), e);
                }
            }
        }
    }

    public static void execute(Connection c, String sql) throws SQLException {
        execute(c, List.of(sql));
    }

    /** The JDBC URL without user, password, tokens or user-info. */
    public static String redactUrl(String url) {
        if (url == null) {
            return "";
        }
        String out = SECRET_PARAM.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(out).replaceAll("$1");
    }

    static String shorten(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    /** Closes quietly after a failure, keeping the close failure as suppressed on the primary. */
    public static void closeAfterFailure(AutoCloseable c, Throwable primary) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}
