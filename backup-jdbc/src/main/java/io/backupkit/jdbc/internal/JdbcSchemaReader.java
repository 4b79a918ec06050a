package io.backupkit.jdbc.internal;

import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.ForeignKey;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.IndexColumn;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads a {@link SchemaModel} through {@link DatabaseMetaData}, asking the {@link Dialect} for everything the
 * standard metadata does not say (sequences, views, checks, auto-increment counters, constraint-backing indexes).
 */
public final class JdbcSchemaReader {
    private final Dialect dialect;

    public JdbcSchemaReader(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * @param tableFilter gets {@code {schema, table}}; true to include the table
     */
    public SchemaModel read(Connection c, Predicate<String[]> tableFilter, List<String> warnings) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<String> schemas = dialect.schemasToDump(c);
        List<Table> tables = new ArrayList<>();
        for (String schema : schemas) {
            for (String name : tableNames(c, meta, schema)) {
                if (tableFilter.test(new String[]{schema, name})) {
                    tables.add(readTable(c, meta, schema, name));
                }
            }
        }
        return new SchemaModel(SchemaModel.FORMAT, meta.getDatabaseProductName(), meta.getDatabaseProductVersion(),
                dialect.currentSchema(c), TableOrder.loadOrder(tables), dialect.readSequences(c, schemas),
                dialect.readViews(c, schemas, warnings), List.of(), dialect.readObjects(c, tables, schemas));
    }

    /** Base tables of a schema, sorted by name. */
    public List<String> tableNames(Connection c, DatabaseMetaData meta, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = meta.getTables(dialect.metadataCatalog(c, schema), dialect.metadataSchema(schema), "%",
                new String[]{"TABLE", "BASE TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        names.sort(null);
        return names;
    }

    public Table readTable(Connection c, DatabaseMetaData meta, String schema, String name) throws SQLException {
        String cat = dialect.metadataCatalog(c, schema);
        String sch = dialect.metadataSchema(schema);
        String namePattern = escapePattern(meta, name);
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(cat, sch == null ? null : escapePattern(meta, sch), namePattern, "%")) {
            TreeMap<Integer, Column> byPosition = new TreeMap<>();
            while (rs.next()) {
                if (!name.equals(rs.getString("TABLE_NAME"))) {
                    continue;
                }
                int jdbcType = rs.getInt("DATA_TYPE");
                String typeName = rs.getString("TYPE_NAME");
                Integer size = intOrNull(rs, "COLUMN_SIZE");
                Integer scale = intOrNull(rs, "DECIMAL_DIGITS");
                boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                String def = rs.getString("COLUMN_DEF");
                boolean auto = "YES".equalsIgnoreCase(safeString(rs, "IS_AUTOINCREMENT"));
                boolean generated = "YES".equalsIgnoreCase(safeString(rs, "IS_GENERATEDCOLUMN"));
                String colName = rs.getString("COLUMN_NAME");
                byPosition.put(rs.getInt("ORDINAL_POSITION"), new Column(colName,
                        dialect.nativeType(jdbcType, typeName, size, scale), jdbcType, size, scale, nullable,
                        auto || generated ? null : def, auto ? Identity.AUTO_INCREMENT : Identity.NONE,
                        generated ? Objects.requireNonNullElse(def, "") : null,
                        dialect.valueType(jdbcType, typeName, size, scale)));
            }
            columns.addAll(byPosition.values());
        }
        Key pk = readPrimaryKey(meta, cat, sch, name);
        List<Index> indexes = new ArrayList<>();
        List<Key> uniques = new ArrayList<>();
        readIndexes(meta, cat, sch, name, pk, indexes, uniques);
        return new Table(schema, name, columns, pk, uniques, readForeignKeys(meta, cat, sch, name), indexes,
                dialect.readChecks(c, schema, name), dialect.readAutoIncrementNext(c, schema, name),
                dialect.readTableOptions(c, schema, name));
    }

    private Key readPrimaryKey(DatabaseMetaData meta, String cat, String sch, String table) throws SQLException {
        TreeMap<Integer, String> cols = new TreeMap<>();
        String pkName = null;
        try (ResultSet rs = meta.getPrimaryKeys(cat, sch, table)) {
            while (rs.next()) {
                cols.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
                pkName = rs.getString("PK_NAME");
            }
        }
        return cols.isEmpty() ? null : new Key(pkName, new ArrayList<>(cols.values()));
    }

    /**
     * Unique indexes become unique keys when the dialect says a constraint backs them; other indexes are
     * recreated as indexes. Indexes equal to the primary key are skipped.
     */
    private void readIndexes(DatabaseMetaData meta, String cat, String sch, String table, Key pk, List<Index> indexes,
                             List<Key> uniques) throws SQLException {
        Map<String, TreeMap<Integer, IndexColumn>> parts = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        try (ResultSet rs = meta.getIndexInfo(cat, sch, table, false, false)) {
            while (rs.next()) {
                String ixName = rs.getString("INDEX_NAME");
                String col = rs.getString("COLUMN_NAME");
                if (ixName == null || rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                    continue;
                }
                boolean expression = col == null;
                if (expression) {
                    col = Objects.requireNonNullElse(safeString(rs, "FILTER_CONDITION"), "");
                }
                parts.computeIfAbsent(ixName, k -> new TreeMap<>()).put((int) rs.getShort("ORDINAL_POSITION"),
                        new IndexColumn(col, "D".equals(rs.getString("ASC_OR_DESC")), expression));
                unique.put(ixName, !rs.getBoolean("NON_UNIQUE"));
            }
        }
        for (var e : parts.entrySet()) {
            List<IndexColumn> cols = new ArrayList<>(e.getValue().values());
            List<String> names = cols.stream().map(IndexColumn::name).toList();
            if (pk != null && (e.getKey().equals(pk.name()) || names.equals(pk.columns()) && unique.get(e.getKey()))) {
                continue;
            }
            if (dialect.isConstraintIndex(e.getKey())) {
                if (unique.get(e.getKey())) {
                    uniques.add(new Key(dialect.uniqueConstraintName(e.getKey()), names));
                }
                continue;
            }
            indexes.add(new Index(e.getKey(), unique.get(e.getKey()), cols, null));
        }
    }

    private List<ForeignKey> readForeignKeys(DatabaseMetaData meta, String cat, String sch, String table) throws SQLException {
        List<ForeignKey> fks = new ArrayList<>();
        List<String> cols = new ArrayList<>();
        List<String> refCols = new ArrayList<>();
        String[] current = null; // name, refSchema, refTable, update, delete, deferrable
        try (ResultSet rs = meta.getImportedKeys(cat, sch, table)) {
            List<Object[]> rows = new ArrayList<>();
            while (rs.next()) {
                String refSchema = rs.getString("PKTABLE_SCHEM");
                if (refSchema == null && cat != null) {
                    refSchema = rs.getString("PKTABLE_CAT");
                }
                rows.add(new Object[]{rs.getString("FK_NAME"), refSchema, rs.getString("PKTABLE_NAME"),
                        rs.getString("FKCOLUMN_NAME"), rs.getString("PKCOLUMN_NAME"), (int) rs.getShort("KEY_SEQ"),
                        rule(rs.getShort("UPDATE_RULE")), rule(rs.getShort("DELETE_RULE")),
                        rs.getShort("DEFERRABILITY") != DatabaseMetaData.importedKeyNotDeferrable});
            }
            // Drivers list FKs ordered by referenced table; a KEY_SEQ of 1 starts the next key.
            for (Object[] r : rows) {
                if ((int) r[5] == 1 && current != null) {
                    fks.add(fk(current, cols, refCols));
                    cols = new ArrayList<>();
                    refCols = new ArrayList<>();
                }
                if ((int) r[5] == 1) {
                    current = new String[]{(String) r[0], (String) r[1], (String) r[2], (String) r[6], (String) r[7],
                            String.valueOf(r[8])};
                }
                cols.add((String) r[3]);
                refCols.add((String) r[4]);
            }
            if (current != null) {
                fks.add(fk(current, cols, refCols));
            }
        }
        return fks;
    }

    private ForeignKey fk(String[] c, List<String> cols, List<String> refCols) {
        String name = c[0] == null || c[0].isEmpty() ? null : c[0];
        return new ForeignKey(name, cols, c[1], c[2], refCols, c[3], c[4], Boolean.parseBoolean(c[5]));
    }

    private static String rule(short rule) {
        return switch (rule) {
            case DatabaseMetaData.importedKeyCascade -> "CASCADE";
            case DatabaseMetaData.importedKeySetNull -> "SET NULL";
            case DatabaseMetaData.importedKeySetDefault -> "SET DEFAULT";
            case DatabaseMetaData.importedKeyRestrict -> "RESTRICT";
            default -> null;
        };
    }

    private static Integer intOrNull(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static String safeString(ResultSet rs, String col) {
        try {
            return rs.getString(col);
        } catch (SQLException e) {
            return null; // older drivers lack IS_AUTOINCREMENT / IS_GENERATEDCOLUMN / FILTER_CONDITION
        }
    }

    private static String escapePattern(DatabaseMetaData meta, String name) throws SQLException {
        String esc = meta.getSearchStringEscape();
        if (esc == null || esc.isEmpty()) {
            return name;
        }
        return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }
}
