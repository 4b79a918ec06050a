package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import io.backupkit.jdbc.internal.SchemaModel.UserType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * PostgreSQL: schema from {@code pg_catalog} ({@link PgCatalogReader}), transactional DDL (the whole restore is one
 * transaction), {@code ON CONFLICT} upserts, {@code session_replication_role} to load without foreign-key and
 * trigger checks where the role may set it, indexes recreated from {@code pg_get_indexdef}.
 */
final class PostgresDialect extends Dialect {
    public static final PostgresDialect INSTANCE = new PostgresDialect();

    /** Session settings of every dump and restore connection, so COPY's text format reads back exactly. */
    static final List<String> SESSION_SETTINGS = List.of("SET TimeZone = 'UTC'", "SET IntervalStyle = 'postgres'",
            "SET extra_float_digits = 3", "SET bytea_output = 'hex'", "SET standard_conforming_strings = on");

    private static final Pattern INDEX_DEF = Pattern.compile(
            "^CREATE (UNIQUE )?INDEX (?:\"(?:[^\"]|\"\")+\"|\\S+) ON (ONLY )?(.+?) USING (.*)$", Pattern.DOTALL);

    private PostgresDialect() {
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public SchemaModel readSchema(Connection c, Predicate<String[]> tableFilter, List<String> warnings)
            throws SQLException {
        return new PgCatalogReader(this).read(c, tableFilter, warnings);
    }

    @Override
    public boolean isSystemSchema(String schema) {
        String s = schema == null ? "" : schema.toLowerCase(Locale.ROOT);
        return s.equals("information_schema") || s.startsWith("pg_");
    }

    @Override
    public void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            for (String s : SESSION_SETTINGS) {
                st.execute(s);
            }
        }
    }

    @Override
    public void prepareRestoreConnection(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : SESSION_SETTINGS) {
                st.execute(s);
            }
        }
    }

    @Override
    public String columnDefinition(Column c) {
        if (c.isGenerated()) {
            return quote(c.name()) + " " + c.nativeType() + " GENERATED ALWAYS AS (" + c.generated() + ") STORED";
        }
        if (c.identity() == SchemaModel.Identity.AUTO_INCREMENT) {
            String serial = switch (c.nativeType()) {
                case "bigint" -> "bigserial";
                case "smallint" -> "smallserial";
                default -> "serial";
            };
            return quote(c.name()) + " " + serial + (c.nullable() ? "" : " NOT NULL");
        }
        return super.columnDefinition(c);
    }

    @Override
    public boolean primaryKeyAfterLoad() {
        return true;
    }

    /**
     * CREATE TABLE as pg_dump writes it: a partition as {@code PARTITION OF} its parent with its bound, an
     * inheritance child with its own columns only and {@code INHERITS}, {@code PARTITION BY}, storage parameters,
     * column collations, identity sequence options; then column storage, statistics targets and the defaults of
     * inherited columns.
     */
    @Override
    public List<String> createTable(Table t) {
        Map<String, String> o = t.options();
        String head = "CREATE " + ("true".equals(o.get(PgCatalogReader.OPTION_UNLOGGED)) ? "UNLOGGED " : "") + "TABLE "
                + qualify(t);
        String partitionOf = o.get(PgCatalogReader.OPTION_PARTITION_OF);
        List<String> sql = new ArrayList<>();
        StringBuilder create = new StringBuilder(head);
        List<String> after = new ArrayList<>();
        if (partitionOf != null && attachedWithOwnNames(t, partitionOf)) {
            // PostgreSQL 18: a table attached as a partition keeps its own NOT NULL constraint names, which
            // PARTITION OF would take from the parent: created as a table of its own and attached, as in the source
            List<String> parts = new ArrayList<>();
            for (Column c : t.columns()) {
                Column own = new Column(c.name(), c.nativeType(), c.jdbcType(), c.size(), c.scale(), c.nullable(),
                        c.defaultValue(), Identity.NONE, c.generated(), c.valueType()); // identity comes with ATTACH
                parts.add(columnDefinition(t, own));
            }
            parts.addAll(checkClauses(t));
            create.append(" (\n  ").append(String.join(",\n  ", parts)).append("\n)");
            after.add("ALTER TABLE " + partitionOf + " ATTACH PARTITION " + qualify(t) + " "
                    + o.get(PgCatalogReader.OPTION_PARTITION_BOUND));
        } else if (partitionOf != null) {
            create.append(" PARTITION OF ").append(partitionOf);
            List<String> checks = checkClauses(t);
            if (!checks.isEmpty()) {
                create.append(" (\n  ").append(String.join(",\n  ", checks)).append("\n)");
            }
            create.append(' ').append(o.get(PgCatalogReader.OPTION_PARTITION_BOUND));
        } else {
            List<String> parts = new ArrayList<>();
            for (Column c : t.columns()) {
                String prefix = PgCatalogReader.OPTION_COLUMN + c.name() + ".";
                if ("true".equals(o.get(prefix + "inherited"))) {
                    if (c.defaultValue() != null) {
                        after.add("ALTER TABLE ONLY " + qualify(t) + " ALTER COLUMN " + quote(c.name()) + " SET DEFAULT "
                                + c.defaultValue());
                    }
                    continue;
                }
                parts.add(columnDefinition(t, c));
            }
            parts.addAll(checkClauses(t));
            create.append(" (\n  ").append(String.join(",\n  ", parts)).append("\n)");
            if (o.containsKey(PgCatalogReader.OPTION_INHERITS)) {
                create.append(" INHERITS (").append(o.get(PgCatalogReader.OPTION_INHERITS)).append(')');
            }
        }
        if (o.containsKey(PgCatalogReader.OPTION_PARTITION_KEY)) {
            create.append(" PARTITION BY ").append(o.get(PgCatalogReader.OPTION_PARTITION_KEY));
        }
        if (o.containsKey(PgCatalogReader.OPTION_RELOPTIONS)) {
            create.append(" WITH (").append(o.get(PgCatalogReader.OPTION_RELOPTIONS)).append(')');
        }
        sql.add(create.toString());
        for (Column c : t.columns()) {
            String prefix = PgCatalogReader.OPTION_COLUMN + c.name() + ".";
            if (o.containsKey(prefix + "storage")) {
                sql.add("ALTER TABLE ONLY " + qualify(t) + " ALTER COLUMN " + quote(c.name()) + " SET STORAGE "
                        + o.get(prefix + "storage"));
            }
            if (o.containsKey(prefix + "statistics")) {
                sql.add("ALTER TABLE ONLY " + qualify(t) + " ALTER COLUMN " + quote(c.name()) + " SET STATISTICS "
                        + o.get(prefix + "statistics"));
            }
        }
        sql.addAll(after);
        return sql;
    }


    private List<String> checkClauses(Table t) {
        List<String> out = new ArrayList<>();
        for (SchemaModel.Check ck : t.checks()) {
            String def = t.options().get(PgCatalogReader.OPTION_CONSTRAINT + ck.name());
            out.add(constraintName(ck.name()) + (def != null ? def : "CHECK (" + ck.expression() + ")"));
        }
        return out;
    }

    /**
     * Whether a partition has NOT NULL constraint names of its own (PostgreSQL 18; {@code PARTITION OF} gives it
     * the parent's, {@code <parent>_<column>_not_null}).
     */
    private static boolean attachedWithOwnNames(Table t, String partitionOf) {
        String parent = partitionOf.substring(partitionOf.lastIndexOf('.') + 1).replace("\"", "");
        for (Column c : t.columns()) {
            String name = notNullName(t, c);
            if (name != null && !name.equals(parent + "_" + c.name() + "_not_null")) {
                return true;
            }
        }
        return false;
    }

    private static String notNullName(Table t, Column c) {
        return t.options().get(PgCatalogReader.OPTION_COLUMN + c.name() + "." + PgCatalogReader.OPTION_NOT_NULL_NAME);
    }

    private String columnDefinition(Table t, Column c) {
        String def = columnDefinitionWithOptions(t, c);
        String notNull = notNullName(t, c);
        if (notNull != null && def.endsWith(" NOT NULL") && !notNull.equals(t.name() + "_" + c.name() + "_not_null")) {
            // a name other than the one PostgreSQL 18 would give (older servers accept the syntax and drop the name)
            return def.substring(0, def.length() - " NOT NULL".length()) + " CONSTRAINT " + quote(notNull) + " NOT NULL";
        }
        return def;
    }

    private String columnDefinitionWithOptions(Table t, Column c) {
        String prefix = PgCatalogReader.OPTION_COLUMN + c.name() + ".";
        String collation = t.options().get(prefix + "collation");
        String identity = t.options().get(prefix + "identity");
        if (collation == null && identity == null) {
            return columnDefinition(c);
        }
        Column plain = new Column(c.name(), c.nativeType() + (collation == null ? "" : " COLLATE " + collation),
                c.jdbcType(), c.size(), c.scale(), c.nullable(), c.defaultValue(), c.identity(), c.generated(),
                c.valueType());
        String def = columnDefinition(plain);
        return identity == null ? def : def.replaceFirst(" AS IDENTITY", " AS IDENTITY (" + identity + ")");
    }

    /** Objects of the database the builtin dumper cannot capture, each naming kind and object. */
    @Override
    public List<String> uncapturable(Connection c, SchemaModel model) throws SQLException {
        return PgCatalogReader.withEmptySearchPath(c, () -> new PgObjectReader(c).notCaptured());
    }

    /** Server-level objects (roles, tablespaces, event triggers) the database refers to, with what refers to them. */
    @Override
    public List<String> outsideBackup(Connection c, SchemaModel model) throws SQLException {
        return PgCatalogReader.withEmptySearchPath(c, () -> {
            PgObjectReader reader = new PgObjectReader(c);
            reader.read();
            return reader.outsideBackup();
        });
    }

    /** The table's name as the catalog texts spell it ({@code quote_ident} of schema and name). */
    public static String catalogName(Table t) {
        return PostgresSupport.quoteIdentLikePostgres(t.schema()) + "." + PostgresSupport.quoteIdentLikePostgres(t.name());
    }

    /** The partitioned table a partition belongs to, as {@link #catalogName} spells it; null for other tables. */
    public static String partitionParent(Table t) {
        return t.options().get(PgCatalogReader.OPTION_PARTITION_OF);
    }

    /** Whether the table is partitioned (holds no rows itself). */
    public static boolean isPartitioned(Table t) {
        return t.options().containsKey(PgCatalogReader.OPTION_PARTITION_KEY);
    }

    /** Depth in the partition tree (0 for a table that is no partition), from the plan's tables. */
    public static boolean isPartition(Table t) {
        return t.options().containsKey(PgCatalogReader.OPTION_PARTITION_OF);
    }

    /**
     * Keys and indexes from their definitions (deferrable, exclusion, INCLUDE, NOT VALID checks): on a
     * partitioned table without ONLY, so that the partitions' indexes, created first, are attached to it.
     */
    @Override
    public List<String> createKeysAndIndexes(Table t) {
        List<String> sql = new ArrayList<>();
        String table = (isPartitioned(t) ? "" : "ONLY ") + qualify(t);
        List<String> names = new ArrayList<>();
        if (t.primaryKey() != null) {
            names.add(t.primaryKey().name());
        }
        t.uniqueKeys().forEach(k -> names.add(k.name()));
        for (Map.Entry<String, String> e : t.options().entrySet()) {
            String def = e.getValue();
            if (e.getKey().startsWith(PgCatalogReader.OPTION_CONSTRAINT)
                    && (def.startsWith("EXCLUDE ") || def.startsWith("CHECK ") && def.endsWith(" NOT VALID"))) {
                names.add(e.getKey().substring(PgCatalogReader.OPTION_CONSTRAINT.length()));
            }
        }
        boolean fromDefinitions = true;
        for (String name : names) {
            String def = name == null ? null : t.options().get(PgCatalogReader.OPTION_CONSTRAINT + name);
            if (def == null) {
                fromDefinitions = false;
                break;
            }
            sql.add("ALTER TABLE " + table + " ADD CONSTRAINT " + quote(name) + " " + def);
        }
        if (!fromDefinitions) {
            return super.createKeysAndIndexes(t); // a model written before the definitions were recorded
        }
        for (Index ix : t.indexes()) {
            sql.add(createIndex(t, ix));
        }
        return sql;
    }

    @Override
    public List<String> addForeignKeys(Table t) {
        List<String> sql = new ArrayList<>();
        for (SchemaModel.ForeignKey fk : t.foreignKeys()) {
            String def = t.options().get(PgCatalogReader.OPTION_CONSTRAINT + fk.name());
            sql.add("ALTER TABLE " + (isPartitioned(t) ? "" : "ONLY ") + qualify(t) + " ADD "
                    + (def == null ? foreignKeyClause(fk) : constraintName(fk.name()) + def));
        }
        return sql;
    }

    @Override
    public List<String> createSequence(SchemaModel.Sequence s) {
        List<String> sql = super.createSequence(s);
        if (s.dataType() == null || s.dataType().equals("bigint")) {
            return sql;
        }
        return List.of(sql.get(0).replaceFirst("^CREATE SEQUENCE (\\S+) ", "CREATE SEQUENCE $1 AS " + s.dataType() + " "));
    }

    /** The index as {@code pg_get_indexdef} gave it, moved onto the target table; the generic form otherwise. */
    @Override
    public String createIndex(Table t, Index ix) {
        if (ix.definition() == null) {
            return super.createIndex(t, ix);
        }
        Matcher m = INDEX_DEF.matcher(ix.definition());
        if (!m.matches()) {
            return super.createIndex(t, ix);
        }
        // no ONLY: an index on a partitioned table attaches the partitions' matching indexes, created before it
        return "CREATE " + (m.group(1) == null ? "" : m.group(1)) + "INDEX " + quote(ix.name()) + " ON "
                + qualify(t) + " USING " + m.group(4);
    }

    @Override
    public String upsert(Table t, List<Column> cols, Key key) {
        return insert(t, cols) + onConflict(cols.stream().map(Column::name).toList(), key);
    }

    /** {@code ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c, ...} (DO NOTHING when every column is in the key). */
    String onConflict(List<String> columns, Key key) {
        List<String> rest = columns.stream().filter(c -> !key.columns().contains(c)).toList();
        String target = " ON CONFLICT (" + columns(key.columns()) + ") DO ";
        if (rest.isEmpty()) {
            return target + "NOTHING";
        }
        return target + "UPDATE SET " + rest.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c))
                .collect(Collectors.joining(", "));
    }

    /**
     * Turns foreign-key and trigger enforcement off for the session with {@code session_replication_role = replica}
     * (what pg_restore's --disable-triggers does) when the role may set it; otherwise leaves them on and returns
     * false (restore then relies on load order and deferrable constraints).
     */
    @Override
    public boolean setForeignKeyChecks(Connection c, boolean enabled) throws SQLException {
        if (!mayReplicate(c)) {
            return false;
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = " + (enabled ? "DEFAULT" : "replica"));
        }
        return true;
    }

    private static boolean mayReplicate(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    @Override
    public boolean transactionalDdl() {
        return true;
    }

    @Override
    public List<String> restartIdentity(Table t, Column column, long next) {
        return List.of("SELECT setval(pg_get_serial_sequence(" + literal(qualify(t)) + ", " + literal(column.name())
                + "), " + next + ", false)");
    }

    @Override
    public List<String> dropView(SchemaModel.View v) {
        return List.of("DROP VIEW IF EXISTS " + qualify(v.schema(), v.name()) + " CASCADE");
    }

    /** CREATE TYPE for an enum or a domain that does not exist yet in its schema. */
    public List<String> createType(UserType type) {
        String name = qualify(type.schema(), type.name());
        if (type.kind().equals("ENUM")) {
            return List.of("CREATE TYPE " + name + " AS ENUM (" + type.labels().stream().map(this::literal)
                    .collect(Collectors.joining(", ")) + ")");
        }
        StringBuilder sb = new StringBuilder("CREATE DOMAIN ").append(name).append(" AS ").append(type.baseType());
        if (type.defaultValue() != null) {
            sb.append(" DEFAULT ").append(type.defaultValue());
        }
        if (type.notNull()) {
            sb.append(" NOT NULL");
        }
        for (String check : type.checks()) {
            sb.append(' ').append(check);
        }
        return List.of(sb.toString());
    }

    /** None as warnings: the objects the reader cannot capture go to the dump summary's not-captured list. */
    @Override
    public List<String> notCaptured(Connection c, List<String> schemas) {
        return List.of(); // PgObjectReader reports them, as DumpSummary.notCaptured
    }

    @Override
    public String transactionId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT txid_current()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code txid_status}: committed / aborted; "in progress" (the server has not seen the client die yet) or a
     * transaction too old to know: null. */
    @Override
    public Boolean committed(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT txid_status(?::bigint)")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                String status = rs.next() ? rs.getString(1) : null;
                return "committed".equals(status) ? Boolean.TRUE : "aborted".equals(status) ? Boolean.FALSE : null;
            }
        }
    }

}
