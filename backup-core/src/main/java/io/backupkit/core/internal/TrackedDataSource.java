package io.backupkit.core.internal;

import io.backupkit.api.spi.DatabaseDumper;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The DataSource an operation hands to its dumper: the host's own, with every connection it gives out recorded until
 * it is closed, so that the {@link NoProgressWatchdog} can abort them all when the operation stalls (a driver blocked
 * in a socket read that never returns ends at once with an SQLException) and ask the server what those sessions are
 * doing. Once the operation was given up, it refuses new connections: a rollback or a late worker must not hang on
 * the same dead server again (recovery finishes the job later). Connections are wrapped only to see their
 * {@code close()}; {@code unwrap} reaches the driver's own connection as before.
 */
final class TrackedDataSource implements DataSource {
    private static final Executor ABORT_THREAD = r -> JobThreads.daemon("backupkit-abort").newThread(r).start();

    private final DataSource delegate;
    /** The driver's connections handed out and not closed yet. */
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile String refusal;
    /** How the sessions are ended: the dumper's way where one works on this database, else {@link Connection#abort}. */
    private volatile DatabaseDumper aborter;

    TrackedDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** The DataSource this one wraps (the host's). */
    DataSource delegate() {
        return delegate;
    }

    /** The connections handed out and still open, as the driver gave them. */
    List<Connection> openConnections() {
        return List.copyOf(open);
    }

    /** Ends the sessions with {@link DatabaseDumper#abortSession} of {@code dumper}. */
    void abortWith(DatabaseDumper dumper) {
        this.aborter = dumper;
    }

    /**
     * Aborts every open connection, each on a thread of its own (a driver's abort may itself block), and refuses new
     * ones from now on, with {@code reason} as the message.
     */
    void abortAll(String reason) {
        refusal = reason;
        for (Connection c : open) {
            ABORT_THREAD.execute(() -> abort(c));
        }
    }

    private void abort(Connection c) {
        try {
            DatabaseDumper d = aborter;
            if (d != null) {
                d.abortSession(c);
            } else {
                c.abort(Runnable::run);
            }
        } catch (SQLException | RuntimeException e) {
            // already closed, or a driver without abort: closing is all that is left to try
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // nothing more can be done; the watchdog has failed the operation anyway
            }
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkNotRefused();
        return track(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        checkNotRefused();
        return track(delegate.getConnection(username, password));
    }

    private void checkNotRefused() throws SQLException {
        String r = refusal;
        if (r != null) {
            throw new SQLTransientConnectionException(r, "08000");
        }
    }

    private Connection track(Connection c) throws SQLException {
        open.add(c);
        if (refusal != null) { // given up while we were connecting
            open.remove(c);
            ABORT_THREAD.execute(() -> abort(c));
            checkNotRefused();
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Handler(c));
    }

    /** Forwards every call; {@code close()} also forgets the connection. */
    private final class Handler implements InvocationHandler {
        private final Connection target;

        Handler(Connection target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "tracked " + target;
                case "close":
                    open.remove(target);
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }
}
