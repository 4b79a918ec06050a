package io.backupkit.jdbc.internal;

import io.backupkit.api.MergeConflictPolicy;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.RestorePlan;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.TablePlan;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.IndexColumn;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Locale;

/**
 * MERGE matches rows by primary key only. A backup row whose other unique key (a {@code UNIQUE} e-mail column) holds
 * the value of a target row with another primary key cannot be merged: MariaDB's {@code ON DUPLICATE KEY UPDATE}
 * would overwrite that other row, other engines fail mid-load. Before anything changes, the backup's primary-key and
 * unique-key columns are put into a session-private table on the target (streamed, so memory stays bounded) and
 * joined with the target once per unique key: a match is refused ({@link MergeConflictPolicy#FAIL}) or, with
 * {@link MergeConflictPolicy#OVERWRITE_TARGET_ROW}, the target rows are deleted in the restore's transaction before
 * the load. Two backup rows sharing a value of a target-only unique key are refused under every policy.
 *
 * <p>Unique indexes on expressions or with a {@code WHERE} clause are left to the server, which refuses a duplicate
 * (PostgreSQL and SQLite then roll the whole restore back; MariaDB has no such indexes).
 */
final class MergeCollisions {
    private static final Logger LOG = LoggerFactory.getLogger(MergeCollisions.class);
    private static final String KEY_TABLE = "backupkit_merge_keys";
    private static final int MAX_VALUE_TEXT = 100;

    /** Puts at least the given columns of a table's backup rows into a new session-private table. */
    @FunctionalInterface
    interface Stager {
        void stage(RestoreContext ctx, Connection c, TablePlan tp, String table, List<String> columns) throws SQLException;
    }

    private final Dialect dialect;
    private final Stager stager;

    MergeCollisions(Dialect dialect, Stager stager) {
        this.dialect = dialect;
        this.stager = stager;
    }

    /**
     * Plan time: MERGE needs a primary key in the backup and the same primary key in an existing target table
     * (rows are matched by it). Adds a problem per table that has none.
     */
    static void checkKeys(Table backup, Table existing, List<String> problems) {
        if (backup.primaryKey() == null) {
            problems.add("table " + backup.qualifiedName() + " has no primary key, so MERGE (which matches rows by primary"
                    + " key only) cannot match its rows: restore it with REPLACE or DATA_ONLY, or exclude it");
        } else if (existing != null && (existing.primaryKey() == null
                || !Set.copyOf(existing.primaryKey().columns()).equals(Set.copyOf(backup.primaryKey().columns())))) {
            problems.add("table " + existing.qualifiedName() + " has " + (existing.primaryKey() == null ? "no primary key"
                    : "the primary key (" + String.join(", ", existing.primaryKey().columns()) + ")") + " in the target but ("
                    + String.join(", ", backup.primaryKey().columns()) + ") in the backup, so MERGE (which matches rows by"
                    + " primary key only) cannot match its rows: restore it with REPLACE, or give both the same primary key");
        }
    }

    /**
     * Before any change: throws on the first collision under {@link MergeConflictPolicy#FAIL}, and on backup rows
     * that collide with each other under every policy. Changes nothing but its own session-private table.
     */
    void check(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        if (plan.mode() != RestoreMode.MERGE) {
            return;
        }
        forEachStagedKey(ctx, c, plan, (tp, key) -> {
            duplicateInBackup(c, tp, key);
            if (ctx.mergeConflicts() == MergeConflictPolicy.FAIL) {
                collision(c, tp, key);
            }
        });
    }

    /**
     * {@link MergeConflictPolicy#OVERWRITE_TARGET_ROW}: deletes the target rows whose unique key holds a backup row's
     * value under another primary key, on the restore's connection (inside its transaction where it has one), after
     * {@link #check}.
     */
    void deleteCollidingTargetRows(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        if (plan.mode() != RestoreMode.MERGE || ctx.mergeConflicts() != MergeConflictPolicy.OVERWRITE_TARGET_ROW) {
            return;
        }
        forEachStagedKey(ctx, c, plan, (tp, key) -> deleteColliding(c, tp, key));
    }

    private void deleteColliding(Connection c, TablePlan tp, Key key) throws SQLException {
        String target = dialect.qualify(tp.existing());
        String sql = "DELETE FROM " + target + " WHERE EXISTS (SELECT 1 FROM " + dialect.quote(KEY_TABLE) + " k"
                + " WHERE " + equal(key.columns(), "k.", target + ".") + " AND NOT ("
                + equal(pk(tp), "k.", target + ".") + "))";
        int deleted;
        try (Statement st = c.createStatement()) {
            deleted = st.executeUpdate(sql);
        }
        if (deleted > 0) {
            LOG.warn("MERGE with mergeConflicts OVERWRITE_TARGET_ROW: deleted {} row(s) of table {} whose unique"
                    + " key {} ({}) held the value of a backup row with another primary key", deleted,
                    tp.targetName(), key.name(), String.join(", ", key.columns()));
        }
    }

    private interface KeyStep {
        void run(TablePlan tp, Key key) throws SQLException;
    }

    /**
     * For every table of the plan with unique keys to check: stages the backup's key values once in a
     * session-private table, runs {@code step} for each key, and drops the staging table.
     */
    private void forEachStagedKey(RestoreContext ctx, Connection c, RestorePlan plan, KeyStep step)
            throws SQLException {
        for (TablePlan tp : plan.tables()) {
            List<Key> keys = uniqueKeys(tp);
            if (keys.isEmpty()) {
                continue;
            }
            Set<String> columns = new LinkedHashSet<>(pk(tp));
            keys.forEach(k -> columns.addAll(k.columns()));
            stager.stage(ctx, c, tp, KEY_TABLE, List.copyOf(columns));
            try {
                for (Key key : keys) {
                    step.run(tp, key);
                }
            } finally {
                JdbcSupport.execute(c, "DROP TABLE " + dialect.quote(KEY_TABLE));
            }
        }
    }

    /**
     * The target table's unique keys other than its primary key that the backup fills: unique constraints and
     * unique indexes on plain columns. None for a table the restore creates (it holds only backup rows).
     */
    static List<Key> uniqueKeys(TablePlan tp) {
        Table t = tp.existing();
        if (t == null || t.primaryKey() == null) {
            return List.of();
        }
        Set<String> backupColumns = AbstractJdbcDumper.dumpedColumns(tp.backup()).stream().map(SchemaModel.Column::name)
                .collect(Collectors.toSet());
        Set<Set<String>> seen = new HashSet<>();
        seen.add(Set.copyOf(t.primaryKey().columns()));
        List<Key> out = new ArrayList<>();
        List<Key> candidates = new ArrayList<>(t.uniqueKeys());
        for (Index ix : t.indexes()) {
            boolean partial = ix.definition() != null && ix.definition().toUpperCase(Locale.ROOT).contains(" WHERE ");
            if (ix.unique() && !partial && !ix.columns().isEmpty()
                    && ix.columns().stream().noneMatch(IndexColumn::expression)) {
                candidates.add(new Key(ix.name(), ix.columns().stream().map(col -> unquote(col.name())).toList()));
            }
        }
        for (Key k : candidates) {
            if (backupColumns.containsAll(k.columns()) && seen.add(Set.copyOf(k.columns()))) {
                out.add(k);
            }
        }
        return out;
    }

    /** A column name as {@code pg_get_indexdef} spells it ({@code "Name"} quoted) to the name itself. */
    private static String unquote(String name) {
        return name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")
                ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
    }

    private static List<String> pk(TablePlan tp) {
        return tp.existing().primaryKey().columns();
    }

    private String equal(List<String> columns, String left, String right) {
        return columns.stream().map(col -> left + dialect.quote(col) + " = " + right + dialect.quote(col))
                .collect(Collectors.joining(" AND "));
    }

    private String list(List<String> columns, String prefix) {
        return columns.stream().map(col -> prefix + dialect.quote(col)).collect(Collectors.joining(", "));
    }

    private void collision(Connection c, TablePlan tp, Key key) throws SQLException {
        List<String> pk = pk(tp);
        String from = " FROM " + dialect.quote(KEY_TABLE) + " k JOIN " + dialect.qualify(tp.existing()) + " t ON "
                + equal(key.columns(), "k.", "t.") + " WHERE NOT (" + equal(pk, "k.", "t.") + ")";
        String first = null;
        try (Statement st = c.createStatement()) {
            st.setMaxRows(1);
            try (ResultSet rs = st.executeQuery("SELECT " + list(pk, "k.") + ", " + list(key.columns(), "k.") + ", "
                    + list(pk, "t.") + from)) {
                if (rs.next()) {
                    first = "backup row " + describe(rs, pk, 1) + " has " + describe(rs, key.columns(), pk.size() + 1)
                            + ", which target row " + describe(rs, pk, pk.size() + key.columns().size() + 1) + " already holds";
                }
            }
        }
        if (first == null) {
            return;
        }
        long count;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*)" + from)) {
            rs.next();
            count = rs.getLong(1);
        }
        throw new RestoreException("MERGE matches rows by primary key only, and in table " + tp.targetName() + " the "
                + first + " in unique key " + key.name() + " (" + String.join(", ", key.columns()) + ")"
                + (count > 1 ? " (" + count + " backup rows collide so)" : "")
                + ": merging it would overwrite or duplicate another row. Fix one of the rows, or restore with the merge"
                + " conflict policy OVERWRITE_TARGET_ROW (CLI: --merge-conflicts overwrite) to delete the colliding target"
                + " rows first. Nothing was changed.");
    }

    private void duplicateInBackup(Connection c, TablePlan tp, Key key) throws SQLException {
        String cols = list(key.columns(), "");
        String sql = "SELECT " + cols + ", COUNT(*) FROM " + dialect.quote(KEY_TABLE) + " WHERE "
                + key.columns().stream().map(col -> dialect.quote(col) + " IS NOT NULL").collect(Collectors.joining(" AND "))
                + " GROUP BY " + cols + " HAVING COUNT(*) > 1";
        try (Statement st = c.createStatement()) {
            st.setMaxRows(1);
            try (ResultSet rs = st.executeQuery(sql)) {
                if (rs.next()) {
                    throw new RestoreException("MERGE into table " + tp.targetName() + ": " + rs.getLong(key.columns().size() + 1)
                            + " rows of the backup have " + describe(rs, key.columns(), 1) + ", which the target's unique key "
                            + key.name() + " allows once only (the backup's table has no such key). Add the key to the"
                            + " source and fix its rows, or restore with REPLACE. Nothing was changed.");
                }
            }
        }
    }

    /** {@code (id=2, name=B)} from the result columns starting at {@code from}. */
    private static String describe(ResultSet rs, List<String> columns, int from) throws SQLException {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String v = rs.getString(from + i);
            parts.add(columns.get(i) + "=" + (v == null ? "NULL"
                    : v.length() > MAX_VALUE_TEXT ? v.substring(0, MAX_VALUE_TEXT) + "..." : v));
        }
        return "(" + String.join(", ", parts) + ")";
    }
}
