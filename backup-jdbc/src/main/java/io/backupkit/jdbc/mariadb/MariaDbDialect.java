package io.backupkit.jdbc.mariadb;

import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.JdbcSchemaReader;
import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.jdbc.internal.TableOrder;
import io.backupkit.jdbc.internal.ValueType;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * MariaDB and MySQL. The dumped "schema" is the connection's database. Column types are taken verbatim from
 * {@code information_schema.COLUMNS.COLUMN_TYPE} (so {@code enum('a','b')}, {@code set(...)}, {@code bit(3)},
 * {@code int(10) unsigned}, {@code year} survive exactly); temporal values travel as the server's own text (zero
 * dates, negative TIME and microseconds round-trip) with the session time zone fixed to UTC; BIT and YEAR as
 * integers; BIGINT UNSIGNED as decimal. Foreign-key checks are switched per session.
 */
final class MariaDbDialect extends Dialect {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public String currentSchema(Connection c) throws SQLException {
        String db = c.getCatalog();
        return db == null ? "" : db;
    }

    @Override
    public List<String> schemasToDump(Connection c) throws SQLException {
        String db = currentSchema(c);
        if (db.isEmpty()) {
            throw new SQLException("the connection has no current database: name one in the JDBC URL");
        }
        return List.of(db);
    }

    @Override
    public String metadataCatalog(Connection c, String schema) {
        return schema;
    }

    @Override
    public String metadataSchema(String schema) {
        return null;
    }

    @Override
    public SchemaModel readSchema(Connection c, Predicate<String[]> tableFilter, List<String> warnings) throws SQLException {
        List<String> sequences = MariaDbObjects.sequences(c, currentSchema(c));
        SchemaModel generic = new JdbcSchemaReader(this).read(c, st -> !sequences.contains(st[1]) && tableFilter.test(st),
                warnings);
        List<Table> tables = new ArrayList<>();
        for (Table t : generic.tables()) {
            tables.add(refine(c, t, warnings));
        }
        return new SchemaModel(SchemaModel.FORMAT, generic.product(), generic.productVersion(), generic.defaultSchema(),
                TableOrder.loadOrder(tables), List.of(), generic.views(), List.of(), generic.objects());
    }

    @Override
    public List<SchemaModel.DbObject> readObjects(Connection c, List<Table> tables, List<String> schemas) throws SQLException {
        List<SchemaModel.DbObject> out = new ArrayList<>();
        for (String db : schemas) {
            out.addAll(new MariaDbObjects(this).read(c, tables.stream().filter(t -> t.schema().equals(db)).toList(), db));
        }
        return out;
    }

    @Override
    public List<String> uncapturable(Connection c, SchemaModel model) throws SQLException {
        return new MariaDbObjects(this).uncapturable(c, model.defaultSchema());
    }

    @Override
    public List<String> outsideBackup(Connection c, SchemaModel model) throws SQLException {
        return new MariaDbObjects(this).outsideBackup(c, model.defaultSchema());
    }

    /**
     * The server's own CREATE TABLE (charsets, collations, partitioning, CHECK constraints, JSON checks, generated
     * columns, table options and the AUTO_INCREMENT position exactly as mariadb-dump shows them), split in two: the
     * table with its primary key and checks, created before the rows are loaded; its other keys (unique, plain,
     * FULLTEXT, SPATIAL), added in one ALTER TABLE after the load. Foreign keys come from the model, after all
     * tables are loaded.
     */
    static Map<String, String> splitCreateTable(String create) {
        int open = create.indexOf("(\n");
        int close = create.lastIndexOf("\n)");
        if (open < 0 || close < open) {
            return Map.of("sql", create);
        }
        String[] parts = create.substring(open + 2, close).split(",\n");
        List<String> kept = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String part : parts) {
            String trimmed = part.strip();
            if (trimmed.startsWith("KEY ") || trimmed.startsWith("UNIQUE KEY ") || trimmed.startsWith("FULLTEXT KEY ")
                    || trimmed.startsWith("SPATIAL KEY ")) {
                keys.add(trimmed);
            } else if (!(trimmed.startsWith("CONSTRAINT ") && trimmed.contains(" FOREIGN KEY ("))) {
                kept.add(part);
            }
        }
        Map<String, String> out = new HashMap<>();
        out.put("sql", create.substring(0, open + 2) + String.join(",\n", kept) + create.substring(close));
        if (!keys.isEmpty()) {
            out.put("keys", String.join("\n", keys));
        }
        return out;
    }

    private Table refine(Connection c, Table t, List<String> warnings) throws SQLException {
        Map<String, String> options = new HashMap<>();
        Long autoIncrement = null;
        String tableCollation = null;
        // one row: schema and name identify the table
        for (String[] r : JdbcSupport.rows(c, "SELECT t.ENGINE, t.TABLE_COLLATION, t.AUTO_INCREMENT, "
                + "cs.CHARACTER_SET_NAME FROM information_schema.TABLES t LEFT JOIN "
                + "information_schema.COLLATION_CHARACTER_SET_APPLICABILITY cs ON cs.COLLATION_NAME = t.TABLE_COLLATION "
                + "WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?", 4, ResultSet::getString, String[]::new,
                t.schema(), t.name())) {
            putIfNotNull(options, "engine", r[0]);
            tableCollation = r[1];
            putIfNotNull(options, "collate", tableCollation);
            autoIncrement = r[2] == null ? null : Long.valueOf(r[2]);
            putIfNotNull(options, "charset", r[3]);
        }
        List<Column> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, "
                + "COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, COLLATION_NAME FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    Column g = t.column(name).orElseThrow();
                    String columnType = rs.getString(2);
                    String dataType = rs.getString(3).toLowerCase(Locale.ROOT);
                    String extra = rs.getString(6) == null ? "" : rs.getString(6).toLowerCase(Locale.ROOT);
                    String def = rs.getString(5);
                    if (def != null && def.equalsIgnoreCase("NULL")) {
                        def = null;
                    }
                    int onUpdate = extra.indexOf("on update ");
                    if (onUpdate >= 0) {
                        def = (def == null ? "NULL" : def) + " " + rs.getString(6).substring(onUpdate).trim();
                    }
                    boolean auto = extra.contains("auto_increment");
                    boolean generated = extra.contains("generated");
                    if (generated && extra.contains("stored")) {
                        options.put("stored:" + name, "true");
                    }
                    if ((dataType.equals("enum") || dataType.equals("set")) && columnType.contains("?")) {
                        warnings.add("column " + t.qualifiedName() + "." + name + ": " + columnType + " is read from "
                                + "information_schema, which cannot show 4-byte characters; a label shown as '?' is restored as '?'");
                    }
                    String collation = rs.getString(8);
                    String nativeType = columnType + (collation != null && !collation.equals(tableCollation)
                            ? " COLLATE " + collation : "");
                    cols.add(new Column(name, nativeType, g.jdbcType(), g.size(), g.scale(),
                            "YES".equals(rs.getString(4)), auto || generated ? null : def,
                            auto ? Identity.AUTO_INCREMENT : Identity.NONE, generated ? rs.getString(7) : null,
                            valueTypeOf(dataType, columnType)));
                }
            }
        }
        List<SchemaModel.Check> checks = new ArrayList<>();
        try {
            for (String[] r : JdbcSupport.rows(c, "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema"
                    + ".CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME", 2,
                    ResultSet::getString, String[]::new, t.schema(), t.name())) {
                checks.add(new SchemaModel.Check(r[0], r[1]));
            }
        } catch (SQLException e) {
            // MySQL before 8.0.16 has no CHECK_CONSTRAINTS (and did not enforce checks)
        }
        // Referential actions as the server states them (drivers differ in how they report the default).
        Map<String, String[]> rules = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM "
                + "information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rules.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3)});
                }
            }
        }
        List<SchemaModel.ForeignKey> fks = new ArrayList<>();
        for (SchemaModel.ForeignKey fk : t.foreignKeys()) {
            String[] r = rules.get(fk.name());
            fks.add(r == null ? fk : new SchemaModel.ForeignKey(fk.name(), fk.columns(), fk.referencedSchema(),
                    fk.referencedTable(), fk.referencedColumns(), action(r[0]), action(r[1]), false));
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + qualify(t))) {
            if (rs.next()) {
                // Unqualified (a DEFAULT nextval(`db`.`seq`)), the table follows into a differently named database.
                options.putAll(splitCreateTable(rs.getString(2).replace(quote(t.schema()) + ".`", "`")));
            }
        }
        return new Table(t.schema(), t.name(), cols, t.primaryKey(), t.uniqueKeys(), fks, t.indexes(), checks,
                autoIncrement, options);
    }

    /** InnoDB treats RESTRICT and NO ACTION alike (and reports either for the default): both are the default. */
    private static String action(String rule) {
        return rule == null || rule.equals("RESTRICT") || rule.equals("NO ACTION") ? null : rule;
    }

    private static void putIfNotNull(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** The codec type from information_schema's DATA_TYPE and COLUMN_TYPE. */
    static ValueType valueTypeOf(String dataType, String columnType) {
        boolean unsigned = columnType.toLowerCase(Locale.ROOT).contains("unsigned");
        return switch (dataType) {
            case "tinyint", "smallint", "mediumint", "int", "integer" -> ValueType.INTEGER;
            case "bigint" -> unsigned ? ValueType.DECIMAL : ValueType.INTEGER;
            case "bit", "year" -> ValueType.INTEGER;
            case "decimal", "numeric" -> ValueType.DECIMAL;
            case "float" -> ValueType.FLOAT;
            case "double", "real" -> ValueType.DOUBLE;
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> ValueType.BYTES;
            // the server's internal format (SRID + WKB), as mariadb-dump --hex-blob carries it
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                 "geometrycollection" -> ValueType.BYTES;
            default -> ValueType.STRING; // char types, text, enum, set, json, date/time types as text, inet, uuid
        };
    }

    @Override
    public ValueType valueType(int jdbcType, String typeName, Integer size, Integer scale) {
        return ValueType.STRING; // refined from information_schema in readSchema
    }

    @Override
    public boolean isLargeObject(Column c) {
        String t = c.nativeType().toLowerCase(Locale.ROOT);
        return t.contains("blob") || t.contains("text") || t.startsWith("json");
    }

    /** BLOB and TEXT columns (JSON is LONGTEXT): their values over 4 MiB are read in pieces ({@code LargeValues}). */
    @Override
    public String lengthExpression(Column c) {
        if (!isLargeObject(c)) {
            return null;
        }
        return c.valueType() == ValueType.BYTES ? "LENGTH(" + quote(c.name()) + ")"
                : c.valueType() == ValueType.STRING ? "LENGTH(" + utf8(c) + ")" : null;
    }

    /** Byte pieces; text as its UTF-8 bytes (a piece may end inside a character: the pieces are concatenated). */
    @Override
    public String pieceExpression(Column c) {
        return "SUBSTRING(" + (c.valueType() == ValueType.BYTES ? quote(c.name()) : "CAST(" + utf8(c) + " AS BINARY)")
                + ", ?, ?)";
    }

    private String utf8(Column c) {
        return "CONVERT(" + quote(c.name()) + " USING utf8mb4)";
    }

    @Override
    public String selectExpression(Column c) {
        String t = c.nativeType().toLowerCase(Locale.ROOT);
        if (t.startsWith("bit") || t.startsWith("year")) {
            return "(" + quote(c.name()) + " + 0)";
        }
        if (t.startsWith("datetime") || t.startsWith("timestamp")) {
            // The server's own text, taken as it is: the driver would parse every value and format its fraction
            // with String.format (a fifth of the client CPU of a MariaDB dump in the benchmark's profile).
            return "CAST(" + quote(c.name()) + " AS CHAR)";
        }
        return quote(c.name());
    }

    @Override
    public Object readValue(ResultSet rs, int i, Column c) throws SQLException {
        if (c.valueType() == ValueType.BYTES && isLargeObject(c)) {
            byte[] b = rs.getBytes(i);
            return rs.wasNull() ? null : b;
        }
        return super.readValue(rs, i, c);
    }

    @Override
    public void beginSnapshot(Connection c) throws SQLException {
        sessionSettings(c);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(false);
        JdbcSupport.execute(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    }

    private static void sessionSettings(Connection c) throws SQLException {
        JdbcSupport.execute(c, List.of("SET SESSION time_zone = '+00:00'", "SET SESSION net_write_timeout = 3600",
                "SET SESSION net_read_timeout = 3600"));
    }

    @Override
    public void prepareRestoreConnection(Connection c) throws SQLException {
        sessionSettings(c);
        // An explicit 0 in an AUTO_INCREMENT column is a value to keep, not a request for the next one.
        JdbcSupport.execute(c, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')");
    }

    @Override
    public void configureStreaming(Statement st, int fetchSize) throws SQLException {
        String driver = st.getConnection().getMetaData().getDriverName();
        if (driver != null && driver.contains("MySQL Connector")) {
            st.setFetchSize(Integer.MIN_VALUE); // Connector/J streams row by row only with this marker
        } else {
            st.setFetchSize(fetchSize);
        }
    }

    @Override
    protected String autoIncrementClause() {
        return " AUTO_INCREMENT";
    }

    @Override
    public String columnDefinition(Column c) {
        if (c.isGenerated()) {
            return quote(c.name()) + " " + c.nativeType() + " GENERATED ALWAYS AS (" + c.generated() + ")";
        }
        return super.columnDefinition(c);
    }

    @Override
    public List<String> createTable(Table t) {
        String verbatim = t.options().get("sql");
        if (verbatim != null && verbatim.startsWith("CREATE TABLE ")) {
            int paren = verbatim.indexOf(" (\n");
            return List.of("CREATE TABLE " + qualify(t) + verbatim.substring(paren));
        }
        List<String> sql = super.createTable(t);
        String create = sql.get(0);
        for (Column c : t.columns()) {
            if (c.isGenerated() && "true".equals(t.options().get("stored:" + c.name()))) {
                create = create.replace(" GENERATED ALWAYS AS (" + c.generated() + ")",
                        " GENERATED ALWAYS AS (" + c.generated() + ") STORED");
            }
        }
        return List.of(create);
    }

    @Override
    public List<String> createKeysAndIndexes(Table t) {
        if (t.options().get("sql") == null) {
            return super.createKeysAndIndexes(t); // a backup made before the server's CREATE TABLE was kept
        }
        String keys = t.options().get("keys");
        return keys == null ? List.of() : List.of("ALTER TABLE " + qualify(t) + " ADD "
                + String.join(", ADD ", keys.split("\n")));
    }

    @Override
    protected String tableOptions(Table t) {
        StringBuilder sb = new StringBuilder();
        if (t.options().containsKey("engine")) {
            sb.append(" ENGINE=").append(t.options().get("engine"));
        }
        if (t.options().containsKey("charset")) {
            sb.append(" DEFAULT CHARSET=").append(t.options().get("charset"));
        }
        if (t.options().containsKey("collate")) {
            sb.append(" COLLATE=").append(t.options().get("collate"));
        }
        return sb.toString();
    }

    @Override
    protected String qualifyIndex(Table t, String indexName) {
        return quote(indexName);
    }

    @Override
    public List<String> createSchemaIfMissing(String schema) {
        return schema.isEmpty() ? List.of() : List.of("CREATE DATABASE IF NOT EXISTS " + quote(schema));
    }

    @Override
    public List<String> dropTable(Table t) {
        return List.of("DROP TABLE IF EXISTS " + qualify(t));
    }

    @Override
    public List<String> restartIdentity(Table t, Column column, long next) {
        return List.of("ALTER TABLE " + qualify(t) + " AUTO_INCREMENT = " + next);
    }

    @Override
    public String upsert(Table t, List<Column> cols, Key key) {
        List<String> updates = cols.stream().filter(c -> !key.columns().contains(c.name()))
                .map(c -> quote(c.name()) + " = VALUES(" + quote(c.name()) + ")").collect(Collectors.toList());
        if (updates.isEmpty()) {
            String k = quote(key.columns().get(0));
            updates.add(k + " = " + k);
        }
        return insert(t, cols) + " ON DUPLICATE KEY UPDATE " + String.join(", ", updates);
    }

    @Override
    public boolean setForeignKeyChecks(Connection c, boolean enabled) throws SQLException {
        JdbcSupport.execute(c, "SET SESSION foreign_key_checks = " + (enabled ? 1 : 0));
        return true;
    }

    @Override
    public Optional<String> columnType(Column c) {
        return Optional.of(c.nativeType());
    }

    @Override
    public Optional<String> cannotHold(Column backup, Column target) {
        String b = backup.nativeType().toLowerCase(Locale.ROOT);
        String t = target.nativeType().toLowerCase(Locale.ROOT);
        if ((b.startsWith("enum(") || b.startsWith("set(")) && !b.equals(t)) {
            return Optional.of("column " + backup.name() + " is " + backup.nativeType() + " in the backup but "
                    + target.nativeType() + " in the target");
        }
        return super.cannotHold(backup, target);
    }
}
