package io.backupkit.jdbc.internal;

import io.backupkit.jdbc.internal.SchemaModel.Column;
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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * PostgreSQL: schema from {@code pg_catalog} ({@link PgCatalogReader}), transactional DDL (the whole restore is one
 * transaction), {@code ON CONFLICT} upserts, {@code session_replication_role} to load without foreign-key and
 * trigger checks where the role may set it, indexes recreated from {@code pg_get_indexdef}.
 */
public final class PostgresDialect extends Dialect {
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

    @Override
    public List<String> createTable(Table t) {
        List<String> sql = super.createTable(t);
        if ("true".equals(t.options().get(PgCatalogReader.OPTION_UNLOGGED))) {
            return sql.stream().map(s -> s.replaceFirst("^CREATE TABLE ", "CREATE UNLOGGED TABLE ")).toList();
        }
        return sql;
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
        return "CREATE " + (m.group(1) == null ? "" : m.group(1)) + "INDEX " + quote(ix.name()) + " ON "
                + (m.group(2) == null ? "" : m.group(2)) + qualify(t) + " USING " + m.group(4);
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

    /**
     * Objects in the dumped schemas the model does not capture, by name: functions, procedures, aggregates,
     * triggers, policies and row-level security, partitioned tables and partitions, materialized views, foreign
     * tables, rules, other user types, exclusion constraints, grants; and database-wide extensions and event
     * triggers.
     */
    @Override
    public List<String> notCaptured(Connection c, List<String> schemas) throws SQLException {
        List<String> out = new ArrayList<>();
        Object[] names = schemas.toArray();
        query(c, "SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN"
                + " 'window function' ELSE 'function' END || ' ' || n.nspname || '.' || p.proname || '('"
                + " || pg_get_function_identity_arguments(p.oid) || ') not captured'"
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (?) AND "
                + PgCatalogReader.notExtensionMember("pg_proc", "p.oid") + " ORDER BY 1", names, out);
        query(c, "SELECT 'trigger ' || t.tgname || ' on ' || n.nspname || '.' || c.relname || ' not captured'"
                + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE NOT t.tgisinternal AND n.nspname = ANY (?) ORDER BY 1", names, out);
        query(c, "SELECT 'policy ' || p.polname || ' on ' || n.nspname || '.' || c.relname || ' not captured'"
                + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ANY (?) ORDER BY 1", names, out);
        query(c, "SELECT 'row level security on ' || n.nspname || '.' || c.relname || ' not captured'"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relrowsecurity AND n.nspname = ANY (?) ORDER BY 1", names, out);
        query(c, "SELECT CASE WHEN c.relkind = 'p' THEN 'partitioned table ' WHEN c.relispartition THEN 'partition '"
                + " WHEN c.relkind = 'm' THEN 'materialized view ' WHEN c.relkind = 'f' THEN 'foreign table ' END"
                + " || n.nspname || '.' || c.relname || ' not captured (no data dumped)'"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE (c.relkind IN ('p', 'm', 'f') OR c.relispartition) AND n.nspname = ANY (?) AND "
                + PgCatalogReader.notExtensionMember("pg_class", "c.oid") + " ORDER BY 1", names, out);
        query(c, "SELECT 'rule ' || r.rulename || ' on ' || n.nspname || '.' || c.relname || ' not captured'"
                + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE r.rulename <> '_RETURN' AND n.nspname = ANY (?) ORDER BY 1", names, out);
        query(c, "SELECT 'type ' || n.nspname || '.' || t.typname || ' (' || CASE t.typtype WHEN 'c' THEN 'composite'"
                + " WHEN 'r' THEN 'range' WHEN 'm' THEN 'multirange' WHEN 'b' THEN 'base' ELSE t.typtype::text END"
                + " || ') not captured' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " LEFT JOIN pg_class c ON c.oid = t.typrelid"
                + " WHERE t.typtype IN ('c', 'r', 'm', 'b') AND (t.typtype <> 'c' OR c.relkind = 'c')"
                + " AND t.typelem = 0 AND n.nspname = ANY (?) AND "
                + PgCatalogReader.notExtensionMember("pg_type", "t.oid") + " ORDER BY 1", names, out);
        query(c, "SELECT 'exclusion constraint ' || con.conname || ' on ' || n.nspname || '.' || c.relname"
                + " || ' not captured' FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE con.contype = 'x' AND n.nspname = ANY (?) ORDER BY 1", names, out);
        query(c, "SELECT 'grants on ' || CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view ' ELSE 'table '"
                + " END || n.nspname || '.' || c.relname || ' not captured'"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'v', 'S') AND n.nspname = ANY (?) ORDER BY 1",
                names, out);
        query(c, "SELECT 'extension ' || extname || ' not captured' FROM pg_extension WHERE extname <> 'plpgsql'"
                + " ORDER BY 1", null, out);
        query(c, "SELECT 'event trigger ' || evtname || ' not captured' FROM pg_event_trigger ORDER BY 1", null, out);
        return out;
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

    private static void query(Connection c, String sql, Object[] schemas, List<String> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (schemas != null) {
                ps.setArray(1, c.createArrayOf("text", schemas));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
    }
}
