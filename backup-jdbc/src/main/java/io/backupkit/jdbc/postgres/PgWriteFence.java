package io.backupkit.jdbc.postgres;

import io.backupkit.api.RestoreException;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.api.spi.WriteFence;
import io.backupkit.jdbc.internal.JdbcSupport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write fence of a PostgreSQL REPLACE: one session whose open transaction holds {@code EXCLUSIVE} locks on the
 * replaced tables from before the safety backup's snapshot. Reads go on ({@code ACCESS SHARE}, which the safety dump
 * takes too, does not conflict); every INSERT, UPDATE, DELETE waits. The restore runs its final transaction in this
 * session (the swap of the staged tables, or the whole single-transaction restore), upgrading to {@code ACCESS
 * EXCLUSIVE} to drop the replaced tables; its COMMIT releases the writers, whose statements PostgreSQL then
 * resolves again by name: they write into the restored tables. A failure rolls back, releasing them onto the old
 * tables, which are then unchanged. A killed process takes the session, and so the locks, with it.
 */
final class PgWriteFence implements WriteFence {
    private static final Logger LOG = LoggerFactory.getLogger(PgWriteFence.class);

    private final Connection session;
    private final List<String> tables;
    private final long since = System.nanoTime();
    private boolean closed;

    private PgWriteFence(Connection session, List<String> tables) {
        this.session = session;
        this.tables = tables;
    }

    /** Locks {@code tables} (qualified as the restore's preview names them); returns once writes in progress committed. */
    static PgWriteFence open(DataSource target, List<String> tables) {
        Connection c = JdbcSupport.connect(target, "target");
        try {
            // the session idles in its transaction while the safety backup and the loads run
            JdbcSupport.execute(c, "SET idle_in_transaction_session_timeout = 0");
            c.setAutoCommit(false);
            JdbcSupport.execute(c, "LOCK TABLE " + String.join(", ", tables.stream().map(PostgresSupport::qualified)
                    .toList()) + " IN EXCLUSIVE MODE");
            LOG.info("writes to the {} tables the restore replaces wait until it commits (reads go on)", tables.size());
            return new PgWriteFence(c, tables);
        } catch (SQLException | RuntimeException e) {
            JdbcSupport.closeAfterFailure(c, e);
            throw new RestoreException("locking the tables " + tables + " against writes for the restore failed: "
                    + e.getMessage() + ". Nothing was changed", e);
        }
    }

    /** The session of the restore's fence, for its final transaction, or null when the restore has none of ours. */
    static Connection session(RestoreContext ctx) {
        return ctx.writeFence() instanceof PgWriteFence f && !f.closed ? f.session : null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!session.isClosed() && !session.getAutoCommit()) {
                session.rollback(); // the restore did not commit through the fence: writers go on with the old tables
            }
        } catch (SQLException e) {
            LOG.warn("rolling back the write fence's transaction failed: {}", e.getMessage());
        }
        try {
            session.close();
        } catch (SQLException e) {
            LOG.warn("closing the write fence's session failed: {}", e.getMessage());
        }
        LOG.info("writes to the {} replaced tables waited {} ms", tables.size(), (System.nanoTime() - since) / 1_000_000);
    }
}
