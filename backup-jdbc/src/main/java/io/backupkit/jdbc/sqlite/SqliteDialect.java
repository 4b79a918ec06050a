package io.backupkit.jdbc.sqlite;

import io.backupkit.jdbc.internal.DbObjects;
import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.JdbcSchemaReader;
import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.jdbc.internal.TableOrder;
import io.backupkit.jdbc.internal.ValueType;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.sql.PreparedStatement;
import java.sql.Types;

/**
 * SQLite. Values are dynamically typed, so every column uses {@link ValueType#DYNAMIC}: each value keeps its own
 * storage class (integer, real, text, blob), exactly as SQLite stored it. SQLite cannot add constraints to an
 * existing table, so tables are recreated from their original {@code CREATE TABLE} text (kept in the table's
 * {@code sql} option) and indexes from theirs; the whole restore is one transaction (SQLite DDL is transactional).
 */
final class SqliteDialect extends Dialect {
    private static final Pattern AUTOINCREMENT = Pattern.compile("(?i)\\bAUTOINCREMENT\\b");

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String currentSchema(Connection c) {
        return "";
    }

    @Override
    public List<String> schemasToDump(Connection c) {
        return List.of("");
    }

    @Override
    public String metadataSchema(String schema) {
        return null;
    }

    @Override
    public SchemaModel readSchema(Connection c, Predicate<String[]> tableFilter, List<String> warnings) throws SQLException {
        SchemaModel generic = new JdbcSchemaReader(this).read(c,
                st -> !st[1].toLowerCase(Locale.ROOT).startsWith("sqlite_") && tableFilter.test(st), warnings);
        Map<String, String> tableSql = new HashMap<>();
        Map<String, List<Index>> indexes = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")) {
            while (rs.next()) {
                String type = rs.getString(1);
                String sql = rs.getString(4);
                switch (type) {
                    case "table" -> tableSql.put(rs.getString(2), sql);
                    case "index" -> {
                        if (sql != null) { // null: the automatic index of a PRIMARY KEY / UNIQUE constraint
                            indexes.computeIfAbsent(rs.getString(3), k -> new ArrayList<>())
                                    .add(new Index(rs.getString(2), sql.toUpperCase(Locale.ROOT).startsWith("CREATE UNIQUE"),
                                            List.of(), sql));
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        Map<String, Long> sequences = new HashMap<>();
        if (tableSql.containsKey("sqlite_sequence")) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name, seq FROM sqlite_sequence")) {
                while (rs.next()) {
                    sequences.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        Map<String, Map<String, String>> generatedColumns = new HashMap<>();
        for (Table t : generic.tables()) {
            generatedColumns.put(t.name(), generatedColumns(c, t.name()));
        }
        List<Table> tables = new ArrayList<>();
        for (Table t : generic.tables()) {
            Map<String, String> generated = generatedColumns.get(t.name());
            String sql = tableSql.get(t.name());
            boolean autoinc = sql != null && AUTOINCREMENT.matcher(sql).find();
            List<Column> cols = t.columns().stream().map(col -> {
                boolean isRowidAlias = autoinc && t.primaryKey() != null && t.primaryKey().columns().equals(List.of(col.name()));
                return new Column(col.name(), col.nativeType(), col.jdbcType(), col.size(), col.scale(), col.nullable(),
                        isRowidAlias ? null : col.defaultValue(),
                        isRowidAlias ? SchemaModel.Identity.AUTO_INCREMENT : SchemaModel.Identity.NONE,
                        generated.containsKey(col.name()) ? generated.get(col.name()) : col.generated(), ValueType.DYNAMIC);
            }).toList();
            Map<String, String> options = new HashMap<>(t.options());
            if (sql != null) {
                options.put("sql", sql);
            }
            Long next = sequences.containsKey(t.name()) ? sequences.get(t.name()) + 1 : null;
            tables.add(new Table("", t.name(), cols, t.primaryKey(), t.uniqueKeys(), t.foreignKeys(),
                    indexes.getOrDefault(t.name(), List.of()), t.checks(), next, options));
        }
        return new SchemaModel(SchemaModel.FORMAT, generic.product(), generic.productVersion(), "",
                TableOrder.loadOrder(tables), List.of(), List.of(), List.of(), generic.objects());
    }

    /**
     * The generated columns of a table ({@code PRAGMA table_xinfo} marks them hidden 2 or 3), by name; the value is
     * a marker only, the column's definition stays in the table's own CREATE TABLE text.
     */
    private Map<String, String> generatedColumns(Connection c, String table) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA table_xinfo(" + quote(table) + ")")) {
            while (rs.next()) {
                int hidden = rs.getInt("hidden");
                if (hidden == 2 || hidden == 3) {
                    out.put(rs.getString("name"), hidden == 2 ? "VIRTUAL" : "STORED");
                }
            }
        }
        return out;
    }

    /**
     * Triggers and views from {@code sqlite_master} (their own SQL text, in the order SQLite created them: each
     * after what it uses), and {@code PRAGMA user_version} / {@code application_id} (migration tools read them).
     * A view depends on the tables and views its text names; a trigger belongs to its table.
     */
    @Override
    public List<SchemaModel.DbObject> readObjects(Connection c, List<Table> tables, List<String> schemas)
            throws SQLException {
        Set<String> tableNames = new HashSet<>();
        tables.forEach(t -> tableNames.add(t.name()));
        List<String[]> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_master "
                     + "WHERE type IN ('table', 'view', 'trigger') AND sql IS NOT NULL ORDER BY rowid")) {
            while (rs.next()) {
                rows.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        List<SchemaModel.DbObject> out = new ArrayList<>();
        for (String[] r : rows) {
            if (r[0].equals("trigger") && tableNames.contains(r[2])) {
                out.add(new SchemaModel.DbObject("trigger", "", r[1], r[2], List.of(r[3]),
                        "DROP TRIGGER IF EXISTS " + quote(r[1]), List.of(DbObjects.tableKey(r[2])), SchemaModel.Phase.POST_DATA));
            } else if (r[0].equals("trigger") && rows.stream().anyMatch(v -> v[0].equals("view") && v[1].equals(r[2]))) {
                // INSTEAD OF trigger: belongs to its view, comes and goes with it
                out.add(new SchemaModel.DbObject("trigger", "", r[1], null, List.of(r[3]),
                        "DROP TRIGGER IF EXISTS " + quote(r[1]), List.of("view " + r[2]), SchemaModel.Phase.POST_DATA));
            } else if (r[0].equals("view")) {
                List<String> deps = new ArrayList<>();
                for (String[] other : rows) {
                    if (!other[0].equals("trigger") && !other[1].equals(r[1]) && names(r[3], other[1])) {
                        deps.add(other[0].equals("view") ? "view " + other[1] : DbObjects.tableKey(other[1]));
                    }
                }
                out.add(new SchemaModel.DbObject("view", "", r[1], null, List.of(r[3]), "DROP VIEW IF EXISTS " + quote(r[1]),
                        deps, SchemaModel.Phase.POST_DATA));
            }
        }
        for (String pragma : List.of("user_version", "application_id")) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
                rs.next();
                out.add(new SchemaModel.DbObject("pragma", "", pragma, null, List.of("PRAGMA " + pragma + " = " + rs.getLong(1)),
                        null, List.of(), SchemaModel.Phase.POST_DATA));
            }
        }
        return out;
    }

    /** Whether SQL text names an object: as a quoted identifier or as a bare word. */
    private static boolean names(String sql, String name) {
        String lower = sql.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        return lower.contains("\"" + n.replace("\"", "\"\"") + "\"") || lower.contains("`" + n + "`")
                || lower.contains("[" + n + "]") || Pattern.compile("(?<![\\w$])" + Pattern.quote(n) + "(?![\\w$])").matcher(lower).find();
    }

    /**
     * Virtual tables: their rows live in the module's shadow tables (or outside the file), which this dumper copies
     * as plain tables; they are reported rather than restored as something else.
     */
    @Override
    public List<String> uncapturable(Connection c, SchemaModel model) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
                     + "AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")) {
            while (rs.next()) {
                out.add("virtual table " + rs.getString(1) + ": the rows of a virtual table are not captured");
            }
        }
        return out;
    }

    @Override
    public boolean isConstraintIndex(String indexName) {
        return indexName.startsWith("sqlite_autoindex_");
    }

    @Override
    public String nativeType(int jdbcType, String typeName, Integer size, Integer scale) {
        return typeName == null ? "" : typeName;
    }

    @Override
    public ValueType valueType(int jdbcType, String typeName, Integer size, Integer scale) {
        return ValueType.DYNAMIC;
    }

    @Override
    public Object readValue(ResultSet rs, int i, Column c) throws SQLException {
        Object v = rs.getObject(i);
        return rs.wasNull() ? null : v;
    }

    @Override
    public void bindValue(PreparedStatement ps, int i, Column c, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL);
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof Double d) {
            ps.setDouble(i, d);
        } else if (v instanceof byte[] b) {
            ps.setBytes(i, b);
        } else {
            ps.setString(i, v.toString());
        }
    }

    @Override
    public boolean isLargeObject(Column c) {
        return false; // sqlite-jdbc has no streaming LOBs; values are read one row at a time anyway
    }

    @Override
    public void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
            rs.next(); // the first read starts the read transaction: from here on every table is read from one snapshot
        }
    }

    @Override
    public List<String> createTable(Table t) {
        String sql = t.options().get("sql");
        if (sql != null) {
            return List.of(sql);
        }
        return super.createTable(t);
    }

    @Override
    public Optional<String> columnType(Column c) {
        return Optional.of(c.nativeType());
    }

    @Override
    public String columnDefinition(Column c) {
        return quote(c.name()) + (c.nativeType().isEmpty() ? "" : " " + c.nativeType())
                + (c.defaultValue() != null ? " DEFAULT " + c.defaultValue() : "") + (c.nullable() ? "" : " NOT NULL");
    }

    @Override
    public List<String> createKeysAndIndexes(Table t) {
        List<String> sql = new ArrayList<>();
        for (Index ix : t.indexes()) {
            sql.add(ix.definition() != null ? ix.definition() : createIndex(t, ix));
        }
        return sql;
    }

    @Override
    public boolean foreignKeysAfterLoad() {
        return false;
    }

    @Override
    public List<String> dropTable(Table t) {
        return List.of("DROP TABLE IF EXISTS " + qualify(t));
    }

    @Override
    public List<String> createView(SchemaModel.View v) {
        return List.of(v.definition());
    }

    @Override
    public List<String> restartIdentity(Table t, Column column, long next) {
        String name = literal(t.name());
        return List.of("DELETE FROM sqlite_sequence WHERE name = " + name,
                "INSERT INTO sqlite_sequence (name, seq) VALUES (" + name + ", " + (next - 1) + ")");
    }

    @Override
    public String upsert(Table t, List<Column> cols, Key key) {
        List<String> updates = cols.stream().filter(c -> !key.columns().contains(c.name()))
                .map(c -> quote(c.name()) + " = excluded." + quote(c.name())).toList();
        return insert(t, cols) + " ON CONFLICT (" + columns(key.columns()) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
    }

    @Override
    public boolean setForeignKeyChecks(Connection c, boolean enabled) throws SQLException {
        // Only effective outside a transaction; the base class switches it before BEGIN.
        JdbcSupport.execute(c, "PRAGMA foreign_keys = " + (enabled ? "ON" : "OFF"));
        return true;
    }

    @Override
    public boolean foreignKeyChecksOutsideTransaction() {
        return true;
    }

    @Override
    public boolean transactionalDdl() {
        return true;
    }

    @Override
    public boolean parallelLoad() {
        return false;
    }

    @Override
    public Optional<String> cannotHold(Column backup, Column target) {
        return Optional.empty(); // SQLite stores any value in any column (type affinity); STRICT tables are rare
    }
}
