package io.backupkit.jdbc.internal;

import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Sequence;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import io.backupkit.jdbc.internal.SchemaModel.View;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * H2 2.x. Column types, identity state, unique and check constraints, sequences and views come from H2's
 * standard INFORMATION_SCHEMA; dumps read in SNAPSHOT isolation. Foreign-key checks are switched with
 * {@code SET REFERENTIAL_INTEGRITY}, which is database-wide in H2 (only DATA_ONLY and MERGE need it).
 */
public final class H2Dialect extends Dialect {

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public SchemaModel readSchema(Connection c, Predicate<String[]> tableFilter, List<String> warnings) throws SQLException {
        SchemaModel generic = new JdbcSchemaReader(this).read(c, tableFilter, warnings);
        List<Table> tables = new ArrayList<>();
        for (Table t : generic.tables()) {
            tables.add(refine(c, t, warnings));
        }
        return new SchemaModel(SchemaModel.FORMAT, generic.product(), generic.productVersion(), generic.defaultSchema(),
                TableOrder.loadOrder(tables), generic.sequences(), generic.views(), List.of());
    }

    /** Replaces what JDBC metadata reports imprecisely with INFORMATION_SCHEMA facts. */
    private Table refine(Connection c, Table t, List<String> warnings) throws SQLException {
        Map<String, Column> cols = new LinkedHashMap<>();
        Long identityNext = null;
        String sql = "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, "
                + "DATETIME_PRECISION, INTERVAL_TYPE, INTERVAL_PRECISION, COLUMN_DEFAULT, IS_NULLABLE, IS_IDENTITY, IDENTITY_GENERATION, "
                + "IDENTITY_BASE, IS_GENERATED, GENERATION_EXPRESSION, DTD_IDENTIFIER, DECLARED_DATA_TYPE, "
                + "DECLARED_NUMERIC_PRECISION, DECLARED_NUMERIC_SCALE "
                + "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString("COLUMN_NAME");
                    Column g = t.column(name).orElseThrow();
                    String dataType = rs.getString("DATA_TYPE");
                    String nativeType = typeDdl(c, t, rs, dataType);
                    Identity identity = Identity.NONE;
                    if ("YES".equals(rs.getString("IS_IDENTITY"))) {
                        identity = "ALWAYS".equals(rs.getString("IDENTITY_GENERATION")) ? Identity.ALWAYS : Identity.BY_DEFAULT;
                        long base = rs.getLong("IDENTITY_BASE");
                        identityNext = rs.wasNull() ? null : base;
                    }
                    boolean generated = "ALWAYS".equals(rs.getString("IS_GENERATED"));
                    String def = identity == Identity.NONE && !generated ? rs.getString("COLUMN_DEFAULT") : null;
                    ValueType vt = valueType(g.jdbcType(), dataType, g.size(), g.scale());
                    if (dataType.equals("ARRAY") || dataType.equals("ROW") || dataType.equals("GEOMETRY")
                            || dataType.equals("JAVA_OBJECT")) {
                        warnings.add("column " + t.qualifiedName() + "." + name + " of type " + nativeType
                                + " is dumped as text and cannot be restored by the h2 dumper");
                    }
                    cols.put(name, new Column(name, nativeType, g.jdbcType(), g.size(), g.scale(),
                            "YES".equals(rs.getString("IS_NULLABLE")), def, identity,
                            generated ? rs.getString("GENERATION_EXPRESSION") : null, vt));
                }
            }
        }
        // Unique constraints and the indexes that back constraints (not to be recreated as plain indexes).
        Set<String> constraintIndexes = new HashSet<>();
        Map<String, List<String>> uniques = new LinkedHashMap<>();
        String q = "SELECT tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, tc.INDEX_NAME, k.COLUMN_NAME "
                + "FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc LEFT JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k "
                + "ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
                + "WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? ORDER BY tc.CONSTRAINT_NAME, k.ORDINAL_POSITION";
        try (PreparedStatement ps = c.prepareStatement(q)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if ("UNIQUE".equals(rs.getString(2))) {
                        uniques.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(4));
                    }
                }
            }
        }
        // An index H2 generated for a constraint is not recreated; a user index a constraint reuses is.
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND IS_GENERATED")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    constraintIndexes.add(rs.getString(1));
                }
            }
        }
        List<Key> uniqueKeys = uniques.entrySet().stream().map(e -> new Key(e.getKey(), e.getValue())).toList();
        List<Index> indexes = t.indexes().stream().filter(ix -> !constraintIndexes.contains(ix.name())).toList();
        List<SchemaModel.Check> checks = new ArrayList<>();
        String cq = "SELECT tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc "
                + "JOIN INFORMATION_SCHEMA.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
                + "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? "
                + "AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY tc.CONSTRAINT_NAME";
        try (PreparedStatement ps = c.prepareStatement(cq)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    checks.add(new SchemaModel.Check(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return new Table(t.schema(), t.name(), new ArrayList<>(cols.values()), t.primaryKey(), uniqueKeys, t.foreignKeys(),
                indexes, checks, identityNext, t.options());
    }

    /** The column type as DDL, from INFORMATION_SCHEMA. */
    private String typeDdl(Connection c, Table t, ResultSet rs, String dataType) throws SQLException {
        String declared = rs.getString("DECLARED_DATA_TYPE");
        String base = declared != null ? declared : dataType;
        switch (dataType) {
            case "CHARACTER", "CHARACTER VARYING", "VARCHAR_IGNORECASE", "BINARY", "BINARY VARYING", "CHARACTER LARGE OBJECT",
                 "BINARY LARGE OBJECT" -> {
                long len = rs.getLong("CHARACTER_MAXIMUM_LENGTH");
                return rs.wasNull() || len >= Integer.MAX_VALUE && dataType.endsWith("LARGE OBJECT") ? dataType
                        : dataType + "(" + len + ")";
            }
            case "NUMERIC", "DECIMAL" -> {
                int p = rs.getInt("DECLARED_NUMERIC_PRECISION");
                boolean hasP = !rs.wasNull();
                int s = rs.getInt("DECLARED_NUMERIC_SCALE");
                boolean hasS = !rs.wasNull();
                return hasP ? base + "(" + p + (hasS ? ", " + s : "") + ")" : base;
            }
            case "DECFLOAT" -> {
                int p = rs.getInt("DECLARED_NUMERIC_PRECISION");
                return rs.wasNull() ? "DECFLOAT" : "DECFLOAT(" + p + ")";
            }
            case "FLOAT", "REAL", "DOUBLE PRECISION" -> {
                return dataType;
            }
            case "TIME", "TIMESTAMP" -> {
                return dataType + "(" + rs.getInt("DATETIME_PRECISION") + ")";
            }
            case "TIME WITH TIME ZONE" -> {
                return "TIME(" + rs.getInt("DATETIME_PRECISION") + ") WITH TIME ZONE";
            }
            case "TIMESTAMP WITH TIME ZONE" -> {
                return "TIMESTAMP(" + rs.getInt("DATETIME_PRECISION") + ") WITH TIME ZONE";
            }
            case "INTERVAL" -> {
                String[] fields = rs.getString("INTERVAL_TYPE").split(" TO ");
                int leading = rs.getInt("INTERVAL_PRECISION");
                int fraction = rs.getInt("DATETIME_PRECISION");
                if (fields.length == 1) {
                    return "INTERVAL " + fields[0] + "(" + leading + (fields[0].equals("SECOND") ? ", " + fraction : "") + ")";
                }
                return "INTERVAL " + fields[0] + "(" + leading + ") TO " + fields[1]
                        + (fields[1].equals("SECOND") ? "(" + fraction + ")" : "");
            }
            case "ENUM" -> {
                return "ENUM(" + String.join(", ", enumValues(c, t, rs.getString("DTD_IDENTIFIER"))) + ")";
            }
            default -> {
                return dataType;
            }
        }
    }

    private List<String> enumValues(Connection c, Table t, String dtd) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT VALUE_NAME FROM INFORMATION_SCHEMA.ENUM_VALUES "
                + "WHERE OBJECT_SCHEMA = ? AND OBJECT_NAME = ? AND OBJECT_TYPE = 'TABLE' AND ENUM_IDENTIFIER = ? "
                + "ORDER BY VALUE_ORDINAL")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            ps.setString(3, dtd);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(literal(rs.getString(1)));
                }
            }
        }
        return values;
    }

    @Override
    public ValueType valueType(int jdbcType, String typeName, Integer size, Integer scale) {
        String t = typeName == null ? "" : typeName.toUpperCase(Locale.ROOT);
        if (t.equals("UUID")) {
            return ValueType.UUID;
        }
        if (t.equals("DECFLOAT") || t.equals("JSON") || t.startsWith("INTERVAL") || t.equals("ENUM")) {
            return ValueType.STRING;
        }
        if (t.equals("CHARACTER LARGE OBJECT") || jdbcType == Types.CLOB) {
            return ValueType.STRING;
        }
        return super.valueType(jdbcType, typeName, size, scale);
    }

    @Override
    public boolean readsStreamsWhenBound() {
        return true;
    }

    @Override
    public boolean isLargeObject(Column c) {
        return c.jdbcType() == Types.BLOB || c.jdbcType() == Types.CLOB;
    }

    @Override
    public Object readValue(ResultSet rs, int i, Column c) throws SQLException {
        if (c.nativeType().startsWith("INTERVAL") || c.nativeType().equals("DECFLOAT") || c.nativeType().startsWith("DECFLOAT(")) {
            Object v = rs.getObject(i);
            return v == null ? null : v.toString();
        }
        return super.readValue(rs, i, c);
    }

    @Override
    public String placeholder(Column c) {
        if (c.nativeType().equals("JSON")) {
            return "? FORMAT JSON";
        }
        if (c.nativeType().startsWith("INTERVAL") || c.nativeType().startsWith("DECFLOAT")) {
            return "CAST(? AS " + c.nativeType() + ")";
        }
        return "?";
    }

    @Override
    public void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        JdbcSupport.execute(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES")) {
            rs.next();
        }
    }

    @Override
    public Optional<String> columnType(Column c) {
        String t = c.nativeType();
        if (t.startsWith("ARRAY") || t.endsWith(" ARRAY") || t.contains(" ARRAY[") || t.startsWith("ROW")
                || t.equals("GEOMETRY") || t.equals("JAVA_OBJECT")) {
            return Optional.empty();
        }
        return Optional.of(t);
    }

    @Override
    public List<Sequence> readSequences(Connection c, List<String> schemas) throws SQLException {
        List<Sequence> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT SEQUENCE_SCHEMA, SEQUENCE_NAME, DATA_TYPE, START_VALUE, INCREMENT, MINIMUM_VALUE, MAXIMUM_VALUE, "
                        + "CYCLE_OPTION, BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES ORDER BY SEQUENCE_SCHEMA, SEQUENCE_NAME")) {
            while (rs.next()) {
                if (!schemas.contains(rs.getString(1))) {
                    continue;
                }
                long inc = rs.getLong(5);
                long base = rs.getLong(9);
                long start = rs.getLong(4);
                out.add(new Sequence(rs.getString(1), rs.getString(2), rs.getString(3), start, inc, rs.getLong(6),
                        rs.getLong(7), "YES".equals(rs.getString(8)), base == start ? null : base - inc, null));
            }
        }
        return out;
    }

    @Override
    public List<String> createSequence(Sequence s) {
        return List.of("CREATE SEQUENCE " + qualify(s.schema(), s.name()) + (s.dataType() != null ? " AS " + s.dataType() : "")
                + " START WITH " + s.start() + " INCREMENT BY " + s.increment()
                + (s.minValue() != null ? " MINVALUE " + s.minValue() : "")
                + (s.maxValue() != null ? " MAXVALUE " + s.maxValue() : "") + (s.cycle() ? " CYCLE" : " NO CYCLE"));
    }

    @Override
    public List<View> readViews(Connection c, List<String> schemas, List<String> warnings) throws SQLException {
        List<View> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS "
                        + "ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                if (!schemas.contains(rs.getString(1))) {
                    continue;
                }
                String def = rs.getString(3);
                if (def == null) {
                    warnings.add("view " + rs.getString(1) + "." + rs.getString(2) + " not captured: no definition readable");
                } else {
                    out.add(new View(rs.getString(1), rs.getString(2), def, false));
                }
            }
        }
        return out;
    }

    @Override
    public String upsert(Table t, List<Column> cols, Key key) {
        return "MERGE INTO " + qualify(t) + " (" + columns(cols.stream().map(Column::name).toList()) + ") KEY ("
                + columns(key.columns()) + ") VALUES (" + String.join(", ", cols.stream().map(this::placeholder).toList()) + ")";
    }

    @Override
    public boolean setForeignKeyChecks(Connection c, boolean enabled) throws SQLException {
        try {
            JdbcSupport.execute(c, "SET REFERENTIAL_INTEGRITY " + (enabled ? "TRUE" : "FALSE"));
            return true;
        } catch (SQLException e) {
            // needs ADMIN rights; without them tables are emptied and loaded in foreign-key order instead
            org.slf4j.LoggerFactory.getLogger(H2Dialect.class).info("foreign-key checks stay on: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public List<String> notCaptured(Connection c, List<String> schemas) throws SQLException {
        List<String> out = new ArrayList<>();
        query(c, "SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS", schemas, "trigger", out);
        query(c, "SELECT ROUTINE_SCHEMA, ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES", schemas, "function", out);
        query(c, "SELECT DOMAIN_SCHEMA, DOMAIN_NAME FROM INFORMATION_SCHEMA.DOMAINS", schemas, "domain", out);
        query(c, "SELECT CONSTANT_SCHEMA, CONSTANT_NAME FROM INFORMATION_SCHEMA.CONSTANTS", schemas, "constant", out);
        query(c, "SELECT SYNONYM_SCHEMA, SYNONYM_NAME FROM INFORMATION_SCHEMA.SYNONYMS", schemas, "synonym", out);
        return out;
    }

    private static void query(Connection c, String sql, List<String> schemas, String kind, List<String> out) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                if (schemas.contains(rs.getString(1))) {
                    out.add(kind + " " + rs.getString(1) + "." + rs.getString(2) + " not captured");
                }
            }
        }
    }
}
