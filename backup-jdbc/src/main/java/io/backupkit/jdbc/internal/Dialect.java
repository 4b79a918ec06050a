package io.backupkit.jdbc.internal;

import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.ForeignKey;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.IndexColumn;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Sequence;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import io.backupkit.jdbc.internal.SchemaModel.View;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What differs between database engines, for dumping (reading the schema and values) and restoring (DDL, inserts,
 * upserts, switching foreign-key checks, resetting sequences). The defaults are standard SQL and JDBC; each engine
 * overrides what it does differently. Identifiers are always quoted, so reserved words and mixed case survive
 * exactly as the source stored them. Stateless and thread-safe.
 */
public abstract class Dialect {
    /** Binary values larger than this are bound as streams. */
    public static final int LARGE_VALUE_BYTES = 1 << 20;

    /** Short name, e.g. {@code h2}. */
    public abstract String name();

    // ---------------------------------------------------------------- identifiers

    /** Quotes an identifier (always), doubling embedded quote characters. */
    public String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}, or just {@code "name"} when schema is empty. */
    public String qualify(String schema, String name) {
        return schema == null || schema.isEmpty() ? quote(name) : quote(schema) + "." + quote(name);
    }

    public String qualify(Table t) {
        return qualify(t.schema(), t.name());
    }

    /** Quotes a string literal. */
    public String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    // ---------------------------------------------------------------- reading

    /** Reads the schema of the selected tables (and the sequences and views of their schemas). */
    public SchemaModel readSchema(Connection c, Predicate<String[]> tableFilter, List<String> warnings) throws SQLException {
        return new JdbcSchemaReader(this).read(c, tableFilter, warnings);
    }

    /** The schema the connection works in (SQL schema, or MySQL database); empty when the engine has none. */
    public String currentSchema(Connection c) throws SQLException {
        String s = c.getSchema();
        return s == null ? "" : s;
    }

    /** Schemas never dumped (system schemas). */
    public boolean isSystemSchema(String schema) {
        String s = schema == null ? "" : schema.toUpperCase(Locale.ROOT);
        return s.equals("INFORMATION_SCHEMA") || s.equals("PG_CATALOG") || s.startsWith("PG_TOAST")
                || s.equals("SYS") || s.equals("MYSQL") || s.equals("PERFORMANCE_SCHEMA");
    }

    /** How the codec stores a column, from the driver's {@link Types} code and type name. */
    public ValueType valueType(int jdbcType, String typeName, Integer size, Integer scale) {
        return switch (jdbcType) {
            case Types.BIT, Types.BOOLEAN -> ValueType.BOOLEAN;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> ValueType.INTEGER;
            case Types.NUMERIC, Types.DECIMAL -> ValueType.DECIMAL;
            case Types.REAL -> ValueType.FLOAT;
            case Types.FLOAT, Types.DOUBLE -> ValueType.DOUBLE;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> ValueType.BYTES;
            case Types.DATE -> ValueType.DATE;
            case Types.TIME -> ValueType.TIME;
            case Types.TIMESTAMP -> ValueType.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> ValueType.TIMESTAMP_TZ;
            case Types.TIME_WITH_TIMEZONE -> ValueType.TIME_TZ;
            default -> "UUID".equalsIgnoreCase(typeName) ? ValueType.UUID : ValueType.STRING;
        };
    }

    /** Whether values of this column are large objects worth streaming (read with a byte-bounded fetch size of 1). */
    public boolean isLargeObject(Column c) {
        return c.jdbcType() == Types.BLOB || c.jdbcType() == Types.CLOB || c.jdbcType() == Types.NCLOB
                || c.jdbcType() == Types.LONGVARBINARY || c.jdbcType() == Types.LONGVARCHAR
                || c.jdbcType() == Types.LONGNVARCHAR;
    }

    /**
     * The SQL length in bytes (as the dump writes the value: raw bytes, or UTF-8 for text) of a column whose values
     * may be too large to read whole, for dialects that read such values in pieces ({@link LargeValues}); null (the
     * default) when values are read whole.
     */
    public String lengthExpression(Column c) {
        return null;
    }

    /**
     * With {@link #lengthExpression}: the SQL of a piece of the value as bytes, with two parameters, the 1-based byte
     * position and the byte count.
     */
    public String pieceExpression(Column c) {
        throw new UnsupportedOperationException(name() + " reads values whole");
    }

    /** The expression selected to dump a column (e.g. {@code `b`+0} for a MySQL BIT). */
    public String selectExpression(Column c) {
        return quote(c.name());
    }

    /** Reads one value of a column for the codec; null for SQL NULL. */
    public Object readValue(ResultSet rs, int i, Column c) throws SQLException {
        Object v = switch (c.valueType()) {
            case BOOLEAN -> rs.getBoolean(i);
            case INTEGER -> rs.getLong(i);
            case DECIMAL -> rs.getBigDecimal(i);
            case FLOAT -> rs.getFloat(i);
            case DOUBLE -> rs.getDouble(i);
            case STRING -> rs.getString(i);
            case BYTES -> rs.getBytes(i);
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIME -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMP_TZ -> rs.getObject(i, OffsetDateTime.class);
            case TIME_TZ -> rs.getObject(i, OffsetTime.class);
            case UUID -> rs.getObject(i, UUID.class);
            case DYNAMIC -> rs.getObject(i);
        };
        return rs.wasNull() ? null : v;
    }

    /** The parameter marker for a column in INSERT/upsert (e.g. {@code CAST(? AS INTERVAL DAY)}). */
    public String placeholder(Column c) {
        return "?";
    }

    /** Binds one codec value. */
    public void bindValue(PreparedStatement ps, int i, Column c, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, nullType(c));
            return;
        }
        switch (c.valueType()) {
            case BOOLEAN -> ps.setBoolean(i, (Boolean) v);
            case INTEGER -> ps.setLong(i, ((Number) v).longValue());
            case DECIMAL -> ps.setBigDecimal(i, (BigDecimal) v);
            case FLOAT -> ps.setFloat(i, ((Number) v).floatValue());
            case DOUBLE -> ps.setDouble(i, ((Number) v).doubleValue());
            case STRING -> ps.setString(i, (String) v);
            case BYTES -> {
                byte[] b = (byte[]) v;
                if (b.length > LARGE_VALUE_BYTES) {
                    // As a stream, drivers write it in chunks (H2 straight into its LOB store) instead of copying it whole.
                    ps.setBinaryStream(i, new ByteArrayInputStream(b), b.length);
                } else {
                    ps.setBytes(i, b);
                }
            }
            default -> ps.setObject(i, v);
        }
    }

    /**
     * Whether the driver reads a stream given to {@code setBinaryStream} while binding (H2 copies it into its LOB
     * store at once), so a restore can pass large values straight from the backup without holding them. Drivers
     * that read streams only at execute time get byte arrays.
     */
    public boolean readsStreamsWhenBound() {
        return false;
    }

    /** The {@link Types} code used for {@code setNull}. */
    protected int nullType(Column c) {
        return c.jdbcType() == Types.OTHER || c.jdbcType() == Types.JAVA_OBJECT ? Types.NULL : c.jdbcType();
    }

    /** Makes a connection ready to dump: session settings, a read-only snapshot transaction. */
    public void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    }

    /** Session settings for a restore connection (e.g. time zone); auto-commit is set by the caller. */
    public void prepareRestoreConnection(Connection c) throws SQLException {
    }

    /** Configures a statement to stream its result with the given fetch size. */
    public void configureStreaming(Statement st, int fetchSize) throws SQLException {
        st.setFetchSize(fetchSize);
    }

    /** Catalog argument for {@link java.sql.DatabaseMetaData} calls about this schema (MySQL: the database). */
    public String metadataCatalog(Connection c, String schema) throws SQLException {
        return null;
    }

    /** Schema-pattern argument for {@link java.sql.DatabaseMetaData} calls about this schema. */
    public String metadataSchema(String schema) {
        return schema == null || schema.isEmpty() ? null : schema;
    }

    /** The schemas to dump: every non-system schema by default; MySQL: the connection's database. */
    public List<String> schemasToDump(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getSchemas()) {
            while (rs.next()) {
                String s = rs.getString("TABLE_SCHEM");
                if (!isSystemSchema(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The DDL type of a column from driver metadata (type name with length / precision where it takes one). */
    public String nativeType(int jdbcType, String typeName, Integer size, Integer scale) {
        return switch (jdbcType) {
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR, Types.BINARY, Types.VARBINARY ->
                    size != null && size > 0 && size < Integer.MAX_VALUE ? typeName + "(" + size + ")" : typeName;
            case Types.NUMERIC, Types.DECIMAL ->
                    size != null && size > 0 ? typeName + "(" + size + (scale != null ? ", " + scale : "") + ")" : typeName;
            case Types.TIME, Types.TIMESTAMP, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE -> {
                // fractional-second precision goes after the first word: TIMESTAMP(9) WITH TIME ZONE
                if (scale == null || typeName.indexOf('(') >= 0) {
                    yield typeName;
                }
                int space = typeName.indexOf(' ');
                yield space < 0 ? typeName + "(" + scale + ")"
                        : typeName.substring(0, space) + "(" + scale + ")" + typeName.substring(space);
            }
            default -> typeName;
        };
    }

    /** Sequences of the dumped schemas; none by default. */
    public List<Sequence> readSequences(Connection c, List<String> schemas) throws SQLException {
        return List.of();
    }

    /** Views of the dumped schemas with their definitions; views it cannot read are added to {@code warnings}. */
    public List<View> readViews(Connection c, List<String> schemas, List<String> warnings) throws SQLException {
        return List.of();
    }

    /** Check constraints of a table; none by default (listed by {@link #notCaptured} where known). */
    public List<SchemaModel.Check> readChecks(Connection c, String schema, String table) throws SQLException {
        return List.of();
    }

    /** The next auto-increment value a table would hand out, where the engine keeps one per table. */
    public Long readAutoIncrementNext(Connection c, String schema, String table) throws SQLException {
        return null;
    }

    /** Engine-specific table options worth keeping (storage engine, charset, WITHOUT ROWID ...). */
    public Map<String, String> readTableOptions(Connection c, String schema, String table) throws SQLException {
        return Map.of();
    }

    /**
     * Whether an index reported by {@link java.sql.DatabaseMetaData#getIndexInfo} was created by the engine for a
     * constraint (primary, unique or foreign key) and so must not be recreated as an index.
     */
    public boolean isConstraintIndex(String indexName) {
        return false;
    }

    /** The constraint name to use for a unique key found as a constraint-backing index (null: let the engine name it). */
    public String uniqueConstraintName(String indexName) {
        return null;
    }

    // ---------------------------------------------------------------- DDL

    /**
     * The column type to use in CREATE TABLE for a column read by this dialect, or empty when this engine cannot
     * hold it (a restore pre-check then fails before anything changes).
     */
    public Optional<String> columnType(Column c) {
        return Optional.of(c.nativeType());
    }

    /** One column definition in CREATE TABLE. */
    public String columnDefinition(Column c) {
        StringBuilder sb = new StringBuilder(quote(c.name())).append(' ').append(columnType(c).orElseThrow());
        if (c.isGenerated()) {
            sb.append(" GENERATED ALWAYS AS (").append(c.generated()).append(')');
            return sb.toString();
        }
        switch (c.identity()) {
            case ALWAYS -> sb.append(" GENERATED ALWAYS AS IDENTITY");
            case BY_DEFAULT -> sb.append(" GENERATED BY DEFAULT AS IDENTITY");
            case AUTO_INCREMENT -> sb.append(autoIncrementClause());
            case NONE -> {
                if (c.defaultValue() != null) {
                    sb.append(" DEFAULT ").append(c.defaultValue());
                }
            }
        }
        if (!c.nullable()) {
            sb.append(" NOT NULL");
        }
        return sb.toString();
    }

    protected String autoIncrementClause() {
        return " GENERATED BY DEFAULT AS IDENTITY";
    }

    /**
     * CREATE TABLE with columns, primary key (unless {@link #primaryKeyAfterLoad()}) and check constraints (unique
     * keys, indexes and FKs come later).
     */
    public List<String> createTable(Table t) {
        List<String> parts = new ArrayList<>();
        for (Column c : t.columns()) {
            parts.add(columnDefinition(c));
        }
        if (t.primaryKey() != null && !primaryKeyAfterLoad()) {
            parts.add(primaryKeyClause(t));
        }
        for (SchemaModel.Check ck : t.checks()) {
            parts.add(constraintName(ck.name()) + "CHECK (" + ck.expression() + ")");
        }
        if (!foreignKeysAfterLoad()) {
            for (Key k : t.uniqueKeys()) {
                parts.add(constraintName(k.name()) + "UNIQUE (" + columns(k.columns()) + ")");
            }
            for (ForeignKey fk : t.foreignKeys()) {
                parts.add(foreignKeyClause(fk));
            }
        }
        return List.of("CREATE TABLE " + qualify(t) + " (\n  " + String.join(",\n  ", parts) + "\n)" + tableOptions(t));
    }

    /** Text after the closing parenthesis of CREATE TABLE (engine options). */
    protected String tableOptions(Table t) {
        return "";
    }

    protected String constraintName(String name) {
        return name == null || name.isEmpty() ? "" : "CONSTRAINT " + quote(name) + " ";
    }

    /** Quoted, comma-separated column list. */
    public String columns(List<String> names) {
        return names.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    /** Creates the schema if this engine has schemas and it is missing. */
    public List<String> createSchemaIfMissing(String schema) {
        return schema.isEmpty() ? List.of() : List.of("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
    }

    private String primaryKeyClause(Table t) {
        return constraintName(t.primaryKey().name()) + "PRIMARY KEY (" + columns(t.primaryKey().columns()) + ")";
    }

    /**
     * Whether a restored table gets its primary key after its rows are loaded, as pg_restore does, rather than in
     * CREATE TABLE. Where the primary key is not the table's physical order this is much faster: PostgreSQL loaded
     * 5 M rows in 13.3 s into a table with its primary key against 3.9 s + 1.8 s to build the key afterwards.
     * (InnoDB clusters rows by the primary key and SQLite cannot add one later: they keep it in CREATE TABLE.)
     */
    public boolean primaryKeyAfterLoad() {
        return false;
    }

    /** The primary key (when added after the load), unique constraints and indexes, built after the data is loaded. */
    public List<String> createKeysAndIndexes(Table t) {
        List<String> sql = new ArrayList<>();
        if (t.primaryKey() != null && primaryKeyAfterLoad()) {
            sql.add("ALTER TABLE " + qualify(t) + " ADD " + primaryKeyClause(t));
        }
        if (foreignKeysAfterLoad()) {
            for (Key k : t.uniqueKeys()) {
                sql.add("ALTER TABLE " + qualify(t) + " ADD " + constraintName(k.name()) + "UNIQUE (" + columns(k.columns()) + ")");
            }
        }
        for (Index ix : t.indexes()) {
            sql.add(createIndex(t, ix));
        }
        return sql;
    }

    public String createIndex(Table t, Index ix) {
        String cols = ix.columns().stream().map(this::indexPart).collect(Collectors.joining(", "));
        return "CREATE " + (ix.unique() ? "UNIQUE " : "") + "INDEX " + qualifyIndex(t, ix.name()) + " ON " + qualify(t)
                + " (" + cols + ")";
    }

    protected String qualifyIndex(Table t, String indexName) {
        return qualify(t.schema(), indexName);
    }

    protected String indexPart(IndexColumn ic) {
        return (ic.expression() ? "(" + ic.name() + ")" : quote(ic.name())) + (ic.descending() ? " DESC" : "");
    }

    /** Foreign keys, added after all tables of the restore are loaded (so cycles and self-references just work). */
    public List<String> addForeignKeys(Table t) {
        if (!foreignKeysAfterLoad()) {
            return List.of();
        }
        List<String> sql = new ArrayList<>();
        for (ForeignKey fk : t.foreignKeys()) {
            sql.add("ALTER TABLE " + qualify(t) + " ADD " + foreignKeyClause(fk));
        }
        return sql;
    }

    protected String foreignKeyClause(ForeignKey fk) {
        StringBuilder sb = new StringBuilder(constraintName(fk.name())).append("FOREIGN KEY (").append(columns(fk.columns()))
                .append(") REFERENCES ").append(qualify(fk.referencedSchema(), fk.referencedTable()))
                .append(" (").append(columns(fk.referencedColumns())).append(')');
        if (fk.onDelete() != null && !fk.onDelete().equalsIgnoreCase("NO ACTION")) {
            sb.append(" ON DELETE ").append(fk.onDelete());
        }
        if (fk.onUpdate() != null && !fk.onUpdate().equalsIgnoreCase("NO ACTION")) {
            sb.append(" ON UPDATE ").append(fk.onUpdate());
        }
        if (fk.deferrable()) {
            sb.append(" DEFERRABLE");
        }
        return sb.toString();
    }

    /** Whether foreign keys and unique constraints can be added with ALTER TABLE after the load (not SQLite). */
    public boolean foreignKeysAfterLoad() {
        return true;
    }

    /** Drops a table even when other tables reference it. */
    public List<String> dropTable(Table t) {
        return List.of("DROP TABLE IF EXISTS " + qualify(t) + " CASCADE");
    }

    public List<String> createSequence(Sequence s) {
        StringBuilder sb = new StringBuilder("CREATE SEQUENCE ").append(qualify(s.schema(), s.name()))
                .append(" START WITH ").append(s.start()).append(" INCREMENT BY ").append(s.increment());
        if (s.minValue() != null) {
            sb.append(" MINVALUE ").append(s.minValue());
        }
        if (s.maxValue() != null) {
            sb.append(" MAXVALUE ").append(s.maxValue());
        }
        sb.append(s.cycle() ? " CYCLE" : " NO CYCLE");
        return List.of(sb.toString());
    }

    public List<String> dropSequence(Sequence s) {
        return List.of("DROP SEQUENCE IF EXISTS " + qualify(s.schema(), s.name()));
    }

    /** Sets a sequence so its next value is {@code next}. */
    public List<String> restartSequence(Sequence s, long next) {
        return List.of("ALTER SEQUENCE " + qualify(s.schema(), s.name()) + " RESTART WITH " + next);
    }

    /**
     * Sets the table's identity / auto-increment counter so the next generated value is at least {@code next}.
     * {@code column} is the generating column.
     */
    public List<String> restartIdentity(Table t, Column column, long next) {
        return List.of("ALTER TABLE " + qualify(t) + " ALTER COLUMN " + quote(column.name()) + " RESTART WITH " + next);
    }

    public List<String> createView(View v) {
        return List.of("CREATE VIEW " + qualify(v.schema(), v.name()) + " AS " + v.definition());
    }

    public List<String> dropView(View v) {
        return List.of("DROP VIEW IF EXISTS " + qualify(v.schema(), v.name()));
    }

    // ---------------------------------------------------------------- DML

    public String insert(Table t, List<Column> cols) {
        return "INSERT INTO " + qualify(t) + " (" + columns(cols.stream().map(Column::name).toList()) + ")" + overriding(cols)
                + " VALUES ("
                + cols.stream().map(this::placeholder).collect(Collectors.joining(", ")) + ")";
    }

    /** {@code OVERRIDING SYSTEM VALUE} (before VALUES) when a column is GENERATED ALWAYS AS IDENTITY. */
    protected String overriding(List<Column> cols) {
        return cols.stream().anyMatch(c -> c.identity() == SchemaModel.Identity.ALWAYS) ? " OVERRIDING SYSTEM VALUE" : "";
    }

    /** Insert-or-update by the key (MERGE mode). */
    public abstract String upsert(Table t, List<Column> cols, Key key);

    /** Removes every row (DATA_ONLY); foreign-key checks are off when this runs, where the engine can do that. */
    public String emptyTable(Table t) {
        return "DELETE FROM " + qualify(t);
    }

    /**
     * Switches foreign-key enforcement for the connection's session, where the engine allows it.
     *
     * @return whether it could be switched
     */
    public boolean setForeignKeyChecks(Connection c, boolean enabled) throws SQLException {
        return false;
    }

    /**
     * Whether {@link #setForeignKeyChecks} only works outside a transaction (SQLite's {@code PRAGMA foreign_keys}),
     * so the restore switches checks before it begins its transaction.
     */
    public boolean foreignKeyChecksOutsideTransaction() {
        return false;
    }

    /** Whether CREATE/DROP TABLE run inside a transaction, so a whole restore can be one transaction. */
    public boolean transactionalDdl() {
        return false;
    }

    /** Whether several connections may load tables at the same time. */
    public boolean parallelLoad() {
        return true;
    }

    // ---------------------------------------------------------------- checks and reports

    /**
     * Why a target column cannot hold the backup column's values, or empty when it can. Compares value kinds and
     * declared sizes; the defaults accept a target at least as large of the same kind.
     */
    public Optional<String> cannotHold(Column backup, Column target) {
        ValueType b = backup.valueType();
        ValueType t = target.valueType();
        boolean kindsFit = b == t || t == ValueType.STRING && (b == ValueType.UUID)
                || t == ValueType.DECIMAL && b == ValueType.INTEGER || t == ValueType.DOUBLE && (b == ValueType.FLOAT || b == ValueType.INTEGER)
                || t == ValueType.DYNAMIC || b == ValueType.DYNAMIC;
        if (!kindsFit) {
            return Optional.of("column " + backup.name() + " is " + backup.nativeType() + " in the backup but "
                    + target.nativeType() + " in the target");
        }
        if ((b == ValueType.STRING || b == ValueType.BYTES) && backup.size() != null && target.size() != null
                && target.size() > 0 && backup.size() > target.size()) {
            return Optional.of("column " + backup.name() + " holds up to " + backup.size() + " characters in the backup ("
                    + backup.nativeType() + ") but only " + target.size() + " in the target (" + target.nativeType() + ")");
        }
        if (b == ValueType.DECIMAL && t == ValueType.DECIMAL && backup.size() != null && target.size() != null
                && backup.scale() != null && target.scale() != null && target.size() > 0
                && (backup.size() - backup.scale() > target.size() - target.scale() || backup.scale() > target.scale())) {
            return Optional.of("column " + backup.name() + " is " + backup.nativeType() + " in the backup but only "
                    + target.nativeType() + " in the target");
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- database objects (schema model format 2)

    /**
     * The database objects beyond tables, sequences and views (triggers, routines, events, pragmas, ...) of the
     * dumped schemas, as {@link SchemaModel.DbObject}s in the dump's order; none by default.
     *
     * @param tables the tables read (objects of other tables are left out)
     */
    public List<SchemaModel.DbObject> readObjects(Connection c, List<Table> tables, List<String> schemas)
            throws SQLException {
        return List.of();
    }

    /**
     * Objects of the dumped schemas this dialect cannot capture, one entry naming each and why; a non-empty list
     * fails the backup unless it may be incomplete ({@link io.backupkit.api.spi.DumpSummary#notCaptured()}).
     */
    public List<String> uncapturable(Connection c, SchemaModel model) throws SQLException {
        return List.of();
    }

    /**
     * Server-level objects the dumped database references (users, server settings), each with what references
     * it ({@link io.backupkit.api.spi.DumpSummary#outsideBackup()}).
     */
    public List<String> outsideBackup(Connection c, SchemaModel model) throws SQLException {
        return List.of();
    }

    /**
     * Runs the statements that create an object; engines whose objects depend on session settings restore them
     * around it.
     */
    public void createObject(Connection c, SchemaModel.DbObject o) throws SQLException {
        JdbcSupport.execute(c, o.create());
    }

    /** Drops an object if it exists (REPLACE, and the triggers a DATA_ONLY load suspends). */
    public void dropObject(Connection c, SchemaModel.DbObject o) throws SQLException {
        if (o.drop() != null) {
            JdbcSupport.execute(c, o.drop());
        }
    }

    /** The object as restored into the target schemas; engines whose object text names its schema rewrite it. */
    public SchemaModel.DbObject inSchema(SchemaModel.DbObject o, UnaryOperator<String> mapSchema) {
        return o;
    }

    /**
     * Statements that put back what dropping the replaced tables removes from tables a restore leaves alone (H2's
     * {@code DROP TABLE ... CASCADE} drops their foreign keys onto the dropped table). Read before anything changes,
     * run after the restore's own foreign keys; none by default.
     *
     * @param restoredTables qualified names of the tables the restore replaces
     */
    public List<String> keptDependents(Connection c, List<Table> dropped, Set<String> restoredTables)
            throws SQLException {
        return List.of();
    }

    /**
     * A CREATE TEMPORARY TABLE statement for an empty session-private table with the columns (and their types) of
     * {@code columns} of {@code source}: the selective-restore check loads the restored table's keys into it.
     */
    public String createKeyTable(String name, Table source, List<String> columns) {
        return "CREATE TEMPORARY TABLE " + quote(name) + " AS SELECT " + columns(columns) + " FROM " + qualify(source)
                + " WHERE 1 = 0";
    }

    /**
     * Objects of the dumped schemas the model does not capture (triggers, routines, ...), one message per object,
     * e.g. {@code trigger app.audit_ins not captured}.
     */
    public List<String> notCaptured(Connection c, List<String> schemas) throws SQLException {
        return List.of();
    }

    /**
     * The id of the connection's current transaction, recorded before a one-transaction restore commits so that a
     * recovery after a kill can ask {@link #committed} whether it did; null where the engine cannot say.
     */
    public String transactionId(Connection c) throws SQLException {
        return null;
    }

    /** Whether the transaction {@code id} ({@link #transactionId}) committed; null where the server cannot say. */
    public Boolean committed(Connection c, String id) throws SQLException {
        return null;
    }
}
