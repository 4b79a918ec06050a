package io.backupkit.testkit.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One fresh, empty database on a test server, created for one test with a unique name.
 *
 * @param engine   which server it lives on
 * @param name     the database name (lower case, unique within the server)
 * @param jdbcUrl  JDBC URL of this database, without credentials
 * @param user     a user that owns the database (a superuser on local servers)
 * @param password that user's password
 */
public record TestDatabase(DatabaseEngine engine, String name, String jdbcUrl, String user, String password) {

    public TestDatabase {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** A new connection to this database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** A non-pooling {@link DataSource} opening connections to this database. */
    public DataSource dataSource() {
        return new SimpleDataSource(jdbcUrl, user, password);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return engine.displayName() + " database " + name + " (" + jdbcUrl + ")";
    }

    /** Opens a connection per call through {@link DriverManager}; enough for tests. */
    static final class SimpleDataSource implements DataSource {
        private final String url;
        private final String user;
        private final String password;
        private volatile int loginTimeoutSeconds;

        SimpleDataSource(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public Connection getConnection(String otherUser, String otherPassword) throws SQLException {
            return DriverManager.getConnection(url, otherUser, otherPassword);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // DriverManager logging is global; nothing per data source.
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
            throw new SQLFeatureNotSupportedException("no java.util.logging logger");
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new SQLException("not a wrapper for " + iface.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this);
        }

        @Override
        public String toString() {
            return "DataSource(" + url + ")";
        }
    }
}
