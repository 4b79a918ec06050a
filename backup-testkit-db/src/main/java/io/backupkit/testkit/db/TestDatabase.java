package io.backupkit.testkit.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

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

    /**
     * A non-pooling {@link DataSource} opening connections to this database: the driver's own (PostgreSQL's
     * {@link PGSimpleDataSource}, MariaDB's {@link MariaDbDataSource}), as an application without a pool has it.
     */
    public DataSource dataSource() {
        if (engine.isPostgres()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(jdbcUrl);
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        }
        try {
            MariaDbDataSource ds = new MariaDbDataSource(jdbcUrl);
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB's driver refused the URL of " + this + ": " + e.getMessage(), e);
        }
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return engine.displayName() + " database " + name + " (" + jdbcUrl + ")";
    }
}
