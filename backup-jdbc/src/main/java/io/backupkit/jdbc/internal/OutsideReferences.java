package io.backupkit.jdbc.internal;

import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.RestorePlan;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.TablePlan;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Foreign keys of tables a restore leaves alone that reference a table it replaces or reloads (a selective restore
 * of {@code docs} while {@code notes} references it). The keys stay as they are; what must not happen is that rows of
 * the untouched table lose their parent. Before anything changes, the referenced columns of the backup's rows are
 * loaded into a session-private table and the untouched table is searched for a row without a match: if there is one
 * the restore fails, naming the constraint and the row.
 */
final class OutsideReferences {
    private static final String KEY_TABLE = "backupkit_restore_keys";

    private final Dialect dialect;

    OutsideReferences(Dialect dialect) {
        this.dialect = dialect;
    }

    /** One foreign key of an untouched table onto a restored one. */
    record Reference(String name, String childSchema, String childTable, List<String> columns, List<String> referenced) {
        String child() {
            return childSchema.isEmpty() ? childTable : childSchema + "." + childTable;
        }
    }

    /** Throws when the restore would leave rows of untouched tables without their parent row. Changes nothing. */
    void check(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        if (plan.mode() == RestoreMode.MERGE) {
            return; // MERGE only adds and updates rows
        }
        Set<String> restored = plan.tables().stream().map(TablePlan::targetName).collect(Collectors.toSet());
        for (TablePlan tp : plan.tables()) {
            if (tp.existing() == null) {
                continue;
            }
            for (Reference ref : references(c, tp.target())) {
                if (restored.contains(ref.child()) || !hasReferencingRows(c, ref)) {
                    continue;
                }
                String orphan = orphan(ctx, c, tp, ref);
                if (orphan != null) {
                    throw new RestoreException("restoring table " + tp.targetName() + " would leave rows of table "
                            + ref.child() + " without their parent: foreign key "
                            + (ref.name() == null ? "" : ref.name() + " ") + "(" + String.join(", ", ref.columns())
                            + ") references " + tp.targetName() + " (" + String.join(", ", ref.referenced())
                            + "), and the row " + orphan + " has no match in the backup. Restore " + ref.child()
                            + " as well, or fix its rows first. Nothing was changed.");
                }
            }
        }
    }

    private List<Reference> references(Connection c, Table parent) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<Reference> out = new ArrayList<>();
        try (ResultSet rs = meta.getExportedKeys(dialect.metadataCatalog(c, parent.schema()),
                dialect.metadataSchema(parent.schema()), parent.name())) {
            String name = null;
            String schema = null;
            String table = null;
            List<String> cols = new ArrayList<>();
            List<String> refs = new ArrayList<>();
            while (rs.next()) {
                if (rs.getShort("KEY_SEQ") == 1 && table != null) {
                    out.add(new Reference(name, schema, table, cols, refs));
                    cols = new ArrayList<>();
                    refs = new ArrayList<>();
                }
                if (rs.getShort("KEY_SEQ") == 1) {
                    name = rs.getString("FK_NAME");
                    name = name == null || name.isEmpty() ? null : name;
                    schema = Objects.requireNonNullElse(parent.schema().isEmpty() ? null
                            : Objects.requireNonNullElse(rs.getString("FKTABLE_SCHEM"), rs.getString("FKTABLE_CAT")), "");
                    table = rs.getString("FKTABLE_NAME");
                }
                cols.add(rs.getString("FKCOLUMN_NAME"));
                refs.add(rs.getString("PKCOLUMN_NAME"));
            }
            if (table != null) {
                out.add(new Reference(name, schema, table, cols, refs));
            }
        }
        return out;
    }

    private String notNull(Reference ref) {
        return ref.columns().stream().map(col -> "x." + dialect.quote(col) + " IS NOT NULL")
                .collect(Collectors.joining(" AND "));
    }

    private boolean hasReferencingRows(Connection c, Reference ref) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setMaxRows(1);
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM " + dialect.qualify(ref.childSchema(), ref.childTable())
                    + " x WHERE " + notNull(ref))) {
                return rs.next();
            }
        }
    }

    /** A row of the child without a parent among the backup's rows, described, or null. */
    private String orphan(RestoreContext ctx, Connection c, TablePlan tp, Reference ref) throws SQLException {
        JdbcSupport.execute(c, dialect.createKeyTable(KEY_TABLE, tp.target(), ref.referenced()));
        try {
            BackupKeys.load(dialect, ctx, c, tp, KEY_TABLE, ref.referenced(), "that a foreign key of another table references");
            String match = IntStream.range(0, ref.columns().size())
                    .mapToObj(i -> "k." + dialect.quote(ref.referenced().get(i)) + " = x." + dialect.quote(ref.columns().get(i)))
                    .collect(Collectors.joining(" AND "));
            String sql = "SELECT " + ref.columns().stream().map(col -> "x." + dialect.quote(col)).collect(Collectors.joining(", "))
                    + " FROM " + dialect.qualify(ref.childSchema(), ref.childTable()) + " x WHERE " + notNull(ref)
                    + " AND NOT EXISTS (SELECT 1 FROM " + dialect.quote(KEY_TABLE) + " k WHERE " + match + ")";
            try (Statement st = c.createStatement()) {
                st.setMaxRows(1);
                try (ResultSet rs = st.executeQuery(sql)) {
                    if (!rs.next()) {
                        return null;
                    }
                    List<String> parts = new ArrayList<>();
                    for (int i = 0; i < ref.columns().size(); i++) {
                        parts.add(ref.columns().get(i) + "=" + rs.getString(i + 1));
                    }
                    return "(" + String.join(", ", parts) + ")";
                }
            }
        } finally {
            JdbcSupport.execute(c, "DROP TABLE " + dialect.quote(KEY_TABLE));
        }
    }
}
