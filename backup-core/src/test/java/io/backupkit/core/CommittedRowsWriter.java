package io.backupkit.core;

import io.backupkit.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application writing during a restore (issue 13, acceptance 3): inserts an order every 20 ms on its own auto-commit
 * connection, recording each id whose INSERT returned without error, so a test can check each committed row is kept.
 */
final class CommittedRowsWriter implements Runnable {
    final TestDatabase db;
    final ConcurrentLinkedQueue<Long> committed = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> committedAt = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong longestNanos = new AtomicLong();
    final AtomicLong longestId = new AtomicLong();

    private final long firstId;

    CommittedRowsWriter(TestDatabase db, long firstId) {
        this.db = db;
        this.firstId = firstId;
    }

    @Override
    public void run() {
        long next = firstId;
        try (Connection c = db.connect()) {
            c.setAutoCommit(true);
            // a prepared statement, as applications write: server-side prepared after a few executions
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, customer, note) VALUES (?, 1, 'w')")) {
                while (!stop.get()) {
                    long rowId = next++;
                    long t0 = System.nanoTime();
                    try {
                        ps.setLong(1, rowId);
                        ps.executeUpdate();
                        long t1 = System.nanoTime();
                        committed.add(rowId);
                        committedAt.add(t1);
                        if (t1 - t0 > longestNanos.get()) {
                            longestNanos.set(t1 - t0);
                            longestId.set(rowId);
                        }
                    } catch (SQLException e) {
                        failures.add(rowId + ": " + e.getMessage());
                    }
                    Thread.sleep(20);
                }
            }
        } catch (SQLException | InterruptedException e) {
            failures.add("writer stopped: " + e);
        }
    }

    /** The committed ids that are in none of {@code places}: rows the restore lost. */
    @SafeVarargs
    final List<Long> committedNotIn(Set<Long>... places) {
        List<Long> lost = new ArrayList<>();
        for (long id : committed) {
            if (Arrays.stream(places).noneMatch(p -> p.contains(id))) {
                lost.add(id);
            }
        }
        return lost;
    }

    /** Prints what the writer saw during a restore of {@code restoreNanos}, for the figures in ARCHITECTURE.md. */
    void report(long restoreNanos) {
        System.out.printf("restore %.2f s; writer: %d committed, %d failed, longest INSERT %.2f s%n",
                restoreNanos / 1e9, committed.size(), failures.size(), longestNanos.get() / 1e9);
        failures.stream().limit(5).forEach(f -> System.out.println("writer failure: " + f));
    }

    static Set<Long> ids(TestDatabase db) throws SQLException {
        Set<Long> out = new HashSet<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM orders")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    static void sql(TestDatabase db, String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
