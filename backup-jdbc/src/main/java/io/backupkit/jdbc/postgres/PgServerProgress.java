package io.backupkit.jdbc.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What PostgreSQL is doing for a backup's or restore's sessions, for the engine's no-progress watchdog
 * ({@code DatabaseDumper.serverProgress}): their {@code pg_stat_activity} rows (and those of their parallel workers)
 * with the counters of the {@code pg_stat_progress_*} views. A backend that is {@code active} and waits for nothing
 * but its own work (no wait event, or I/O, IPC, a lightweight lock; not {@code Client*}, which is waiting for us,
 * nor {@code Lock}, which is waiting for another session) adds the server's clock, so the answer changes at every
 * poll while a long {@code CREATE INDEX} or {@code VALIDATE CONSTRAINT} works without sending a byte; a session that
 * only waits for a stalled client gives the same answer each time. Needs PostgreSQL 14 or later
 * ({@code pg_stat_progress_copy}); on an older server, or when it cannot ask, the answer is empty.
 */
final class PgServerProgress {
    private static final Logger LOG = LoggerFactory.getLogger(PgServerProgress.class);
    private static final int QUERY_TIMEOUT_SECONDS = 10;
    private static final String SQL = """
            SELECT a.pid, a.state, a.wait_event_type, a.wait_event, a.query_start, a.state_change,
                   CASE WHEN a.state = 'active' AND coalesce(a.wait_event_type, '') NOT IN ('Client', 'Lock')
                        THEN clock_timestamp()::text END AS working,
                   (SELECT row(p.phase, p.blocks_done, p.tuples_done, p.partitions_done)::text
                      FROM pg_stat_progress_create_index p WHERE p.pid = a.pid) AS create_index,
                   (SELECT row(p.bytes_processed, p.tuples_processed)::text
                      FROM pg_stat_progress_copy p WHERE p.pid = a.pid) AS copy,
                   (SELECT row(p.phase, p.heap_blks_scanned, p.heap_tuples_written, p.index_rebuild_count)::text
                      FROM pg_stat_progress_cluster p WHERE p.pid = a.pid) AS cluster,
                   (SELECT row(p.phase, p.heap_blks_scanned, p.heap_blks_vacuumed)::text
                      FROM pg_stat_progress_vacuum p WHERE p.pid = a.pid) AS vacuum,
                   (SELECT row(p.phase, p.sample_blks_scanned, p.child_tables_done)::text
                      FROM pg_stat_progress_analyze p WHERE p.pid = a.pid) AS analyze
              FROM pg_stat_activity a
             WHERE a.pid = ANY (?) OR a.leader_pid = ANY (?)
             ORDER BY a.pid""";

    private PgServerProgress() {
    }

    static Optional<String> of(DataSource target, List<Connection> sessions) {
        List<Integer> pids = new ArrayList<>();
        for (Connection s : sessions) {
            try {
                pids.add(s.unwrap(PGConnection.class).getBackendPID());
            } catch (SQLException | RuntimeException e) {
                // closed meanwhile, or not pgjdbc's: not ours to ask about
            }
        }
        if (pids.isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = target.getConnection(); PreparedStatement st = c.prepareStatement(SQL)) {
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            Integer[] ids = pids.toArray(Integer[]::new);
            st.setArray(1, c.createArrayOf("int4", ids));
            st.setArray(2, c.createArrayOf("int4", ids));
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = st.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String v = rs.getString(i);
                        if (v != null) {
                            out.append(md.getColumnLabel(i)).append('=').append(v).append(' ');
                        }
                    }
                    out.append("; ");
                }
            }
            return Optional.of(out.toString().trim());
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cannot ask PostgreSQL what its sessions do: {}", e.toString());
            return Optional.empty();
        }
    }
}
