package io.backupkit.jdbc.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.CancelledException;
import io.backupkit.api.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.util.concurrent.CopyOnWriteArrayList;
import io.backupkit.api.spi.RestoreContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import io.backupkit.api.ErrorCode;
import java.util.Locale;

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
        String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
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

    /** Aborts each connection (failures kept as suppressed on {@code cause}) so its blocked worker ends now. */
    private static void abortAll(List<Connection> connections, Throwable cause) {
        for (Connection c : connections) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    static String shorten(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    /** The body of one restore worker of {@link #runRestoreWorkers}, on its own target connection. */
    @FunctionalInterface
    public interface ConnectionWorker {
        void run(Connection connection) throws Exception;
    }

    /**
     * Runs {@code count} restore workers, each on its own connection to the restore's target prepared by
     * {@code dialect} for loading, as {@link #runWorkers}; the connections are registered so that the first failure
     * aborts the others instead of waiting on their loads and builds.
     */
    public static void runRestoreWorkers(int count, RestoreContext ctx, Dialect dialect,
                                         AtomicReference<Throwable> failure, ConnectionWorker worker) throws SQLException {
        List<Connection> open = new CopyOnWriteArrayList<>();
        runWorkers(count, "backupkit-restore", failure, open, i -> {
            try (Connection wc = connect(ctx.dataSource(), "target")) {
                open.add(wc);
                dialect.prepareRestoreConnection(wc);
                worker.run(wc);
            }
        });
    }

    /** The body of one worker thread of {@link #runWorkers}. */
    @FunctionalInterface
    public interface Worker {
        /** @param index 0 to count - 1 */
        void run(int index) throws Exception;
    }

    /**
     * Runs {@code count} workers on daemon threads named {@code threadName} and waits for all of them. The first
     * failure is kept in {@code failure}, where the other workers can see it and stop early, and is rethrown once
     * every worker has ended: SQLException, unchecked exceptions and errors as they are, IOException as
     * UncheckedIOException, an interrupt as CancelledException, anything else wrapped in a BackupException.
     */
    public static void runWorkers(int count, String threadName, AtomicReference<Throwable> failure, Worker worker)
            throws SQLException {
        runWorkers(count, threadName, failure, List.of(), worker);
    }

    /**
     * As {@link #runWorkers(int, String, AtomicReference, Worker)}, and the first failure also aborts
     * {@code abortOnFailure}: a worker blocked in a long read or write (a 100 MB value) or the snapshot owner's
     * rollback would otherwise keep the caller waiting for ever with the cause never reported (issue 13 item 6).
     * {@link Connection#abort} returns at once and makes every statement on the connection fail.
     */
    public static void runWorkers(int count, String threadName, AtomicReference<Throwable> failure,
                                  List<Connection> abortOnFailure, Worker worker) throws SQLException {
        ExecutorService pool = Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    try {
                        worker.run(index);
                    } catch (Throwable t) {
                        if (failure.compareAndSet(null, t)) {
                            abortAll(abortOnFailure, t);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException("interrupted while waiting for workers", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("worker failed outside its own error handling", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        if (t instanceof SQLException se) {
            throw se;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t instanceof IOException io) {
            throw new UncheckedIOException(io);
        }
        if (t instanceof InterruptedException ie) {
            throw new CancelledException("a worker was interrupted", ie);
        }
        throw new BackupException(ErrorCode.DUMP, t.getMessage(), t);
    }

    /** Work on a connection that may fail with an {@link SQLException}. */
    public interface SqlWork {
        void run() throws SQLException;
    }

    /** Work on a connection with a result, that may fail with an {@link SQLException}. */
    public interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** {@link #inTransaction(Connection, SqlCall)} for work without a result. */
    public static void inTransaction(Connection c, SqlWork work) throws SQLException {
        inTransaction(c, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} in one transaction on {@code c}: committed when it returns, rolled back when it throws (a
     * failing rollback is kept as suppressed on the cause); auto-commit is back on afterwards either way.
     */
    public static <T> T inTransaction(Connection c, SqlCall<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.call();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException re) {
                e.addSuppressed(re);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** How {@link #rows} reads a value: {@code ResultSet::getString} or {@code ResultSet::getObject}. */
    public interface ColumnReader<T> {
        T read(ResultSet rs, int column) throws SQLException;
    }

    /**
     * Every row of a catalog query as an array of its first {@code columns} values, read by {@code reader} into
     * arrays made by {@code array}; the query's parameters are bound to {@code params} as strings. For the schema
     * readers' small queries (the whole result is in memory).
     */
    public static <T> List<T[]> rows(Connection c, String sql, int columns, ColumnReader<T> reader,
                                     IntFunction<T[]> array, String... params) throws SQLException {
        List<T[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    T[] row = array.apply(columns);
                    for (int i = 0; i < columns; i++) {
                        row[i] = reader.read(rs, i + 1);
                    }
                    out.add(row);
                }
            }
        }
        return out;
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
