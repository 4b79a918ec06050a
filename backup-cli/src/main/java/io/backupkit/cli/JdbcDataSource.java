package io.backupkit.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} opening one connection per call through {@link DriverManager} with the drivers bundled in
 * the jar. The password stays in memory only: it is never part of the URL, {@link #toString()} or a message.
 */
final class JdbcDataSource implements DataSource {
    private final String url;
    private final String user;
    private final String password;
    private volatile int loginTimeoutSeconds;

    private JdbcDataSource(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * A data source for a {@code --db} URL.
     *
     * @param mustExist for a file database (SQLite, H2), whether a missing file is an error rather than created
     */
    static JdbcDataSource of(String url, String user, String password, boolean mustExist) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:")) {
            throw CliException.usage("'" + Settings.maskUrl(url) + "' is not a JDBC URL: use e.g."
                    + " jdbc:postgresql://host:5432/app, jdbc:mariadb://host:3306/app, jdbc:sqlite:app.db or jdbc:h2:./app");
        }
        String effective = url;
        if (lower.startsWith("jdbc:mysql:")) {
            // MariaDB's driver (bundled) speaks to MySQL servers too, once allowed to take jdbc:mysql: URLs.
            effective = url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
        }
        try {
            DriverManager.getDriver(effective);
        } catch (SQLException e) {
            throw CliException.usage("no JDBC driver for '" + Settings.maskUrl(url) + "': the jar bundles PostgreSQL"
                    + " (jdbc:postgresql:), MariaDB/MySQL (jdbc:mariadb:, jdbc:mysql:), SQLite (jdbc:sqlite:) and H2 (jdbc:h2:)");
        }
        if (mustExist) {
            sqliteFile(url).filter(f -> !Files.exists(f)).ifPresent(f -> {
                throw CliException.usage("the SQLite database " + f + " does not exist: check the path in --db"
                        + " (jdbc:sqlite:PATH)");
            });
        }
        return new JdbcDataSource(effective, user, password);
    }

    /** The database file of a {@code jdbc:sqlite:} URL, when it names one. */
    static Optional<Path> sqliteFile(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:sqlite:".length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        if (rest.isEmpty() || rest.startsWith(":memory:") || rest.startsWith(":resource:")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(rest));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        Properties props = new Properties();
        DriverTimeouts.addDefaults(url, props);
        if (username != null && !username.isEmpty()) {
            props.setProperty("user", username);
        }
        if (pass != null) {
            props.setProperty("password", pass);
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // DriverManager's log writer is global; the CLI never sets it (it could print connection properties).
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "database " + Settings.maskUrl(url) + (user == null ? "" : " as " + user);
    }
}
