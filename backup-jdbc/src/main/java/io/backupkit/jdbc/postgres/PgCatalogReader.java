package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.jdbc.internal.TableOrder;
import io.backupkit.jdbc.internal.SchemaModel.Check;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.ForeignKey;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.IndexColumn;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Sequence;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import io.backupkit.jdbc.internal.SchemaModel.UserType;
import io.backupkit.jdbc.internal.SchemaModel.View;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TypeInfo;
import java.util.Set;

/**
 * Reads the schema model from {@code pg_catalog} (not {@link java.sql.DatabaseMetaData}): exact native types from
 * {@code format_type}, defaults, identity and serial columns, constraints with their deferrability, indexes as
 * {@code pg_get_indexdef} (recreated verbatim on PostgreSQL), sequences with their state, views, enum and domain
 * types. It runs with {@code search_path = ''} so every name in those texts is schema-qualified, which is what
 * makes schema remapping on restore a plain rename.
 */
final class PgCatalogReader {
    /** Table option: whether COPY's binary format is safe for the table (only built-in types, no OIDs of user types). */
    static final String OPTION_BINARY_SAFE = "copyBinarySafe";
    /** Table option: total relation size in bytes when dumped (dump order: largest first). */
    static final String OPTION_SIZE = "sizeBytes";
    /** Table option: the table was UNLOGGED. */
    static final String OPTION_UNLOGGED = "unlogged";
    /** Table option: {@code PARTITION BY} clause of a partitioned table ({@code pg_get_partkeydef}). */
    static final String OPTION_PARTITION_KEY = "partitionKey";
    /** Table option: the partitioned table (quoted, qualified) a partition belongs to. */
    static final String OPTION_PARTITION_OF = "partitionOf";
    /** Table option: a partition's bound ({@code FOR VALUES ...} or {@code DEFAULT}). */
    static final String OPTION_PARTITION_BOUND = "partitionBound";
    /** Table option: the inheritance parents (quoted, qualified, comma-separated, in order). */
    static final String OPTION_INHERITS = "inherits";
    /** Table option: storage parameters ({@code fillfactor=80, ...}). */
    static final String OPTION_RELOPTIONS = "reloptions";
    /** Table option prefix {@code col.<name>.}: {@code inherited}, {@code collation}, {@code storage}, {@code statistics}, {@code identity}. */
    static final String OPTION_COLUMN = "col.";
    /** Column option (after {@link #OPTION_COLUMN} and the column's name): its NOT NULL constraint's name (PG 18+). */
    static final String OPTION_NOT_NULL_NAME = "notNullName";
    /** Table option prefix {@code constraint.<name>}: the constraint's {@code pg_get_constraintdef}. */
    static final String OPTION_CONSTRAINT = "constraint.";
    /**
     * SQL condition: sequence {@code s} (namespace {@code n}) is the one {@code serial} made for column {@code a} of
     * table {@code tc}: named {@code <table>_<column>_seq} and the column's default is its {@code nextval}.
     */
    static final String SERIAL_SEQUENCE = "(s.relname = left(tc.relname || '_' || a.attname, 59) || '_seq' AND EXISTS"
            + " (SELECT 1 FROM pg_attrdef ad WHERE ad.adrelid = tc.oid AND ad.adnum = a.attnum AND pg_get_expr(ad.adbin,"
            + " ad.adrelid) = 'nextval(' || quote_literal(quote_ident(n.nspname) || '.' || quote_ident(s.relname))"
            + " || '::regclass)'))";
    /** First OID of user-created objects; types below are built in. */
    static final long FIRST_NORMAL_OID = 16384;

    private static final String NOT_EXTENSION_MEMBER = " NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = %s"
            + " AND d.objid = %s AND d.deptype = 'e') ";

    private final Dialect dialect;

    PgCatalogReader(Dialect dialect) {
        this.dialect = dialect;
    }

    static String notExtensionMember(String catalog, String oidExpr) {
        return String.format(NOT_EXTENSION_MEMBER, "'" + catalog + "'::regclass", oidExpr);
    }

    SchemaModel read(Connection c, Predicate<String[]> tableFilter, List<String> warnings) throws SQLException {
        String defaultSchema = currentSchema(c);
        return withEmptySearchPath(c, () -> read(c, tableFilter, defaultSchema));
    }


    /** What the catalog queries run under: every name they print schema-qualified. */
    interface CatalogRead<T> {
        T run() throws SQLException;
    }

    /**
     * Runs the read with {@code search_path = ''} and sets the connection's search path back after it. On a failure
     * the search path stays empty: the dump's transaction rolls it back with everything else.
     */
    static <T> T withEmptySearchPath(Connection c, CatalogRead<T> read) throws SQLException {
        String searchPath;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW search_path")) {
            rs.next();
            searchPath = rs.getString(1);
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path = ''");
        }
        T result = read.run();
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, false)")) {
            ps.setString(1, searchPath);
            ps.execute();
        }
        return result;
    }

    private SchemaModel read(Connection c, Predicate<String[]> tableFilter, String defaultSchema) throws SQLException {
        TypeInfo types = c.unwrap(BaseConnection.class).getTypeInfo();
        List<Table> tables = new ArrayList<>();
        List<String> schemas = new ArrayList<>();
        PgObjectReader objectReader = new PgObjectReader(c);
        List<SchemaModel.DbObject> objects = objectReader.read();
        Map<String, Set<String>> deps;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT c.oid, n.nspname, c.relname, c.relpersistence, pg_total_relation_size(c.oid),"
                        + " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
                        + " CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,"
                        + " (SELECT string_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname), ', '"
                        + "   ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent"
                        + "   JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid),"
                        + " array_to_string(c.reloptions, ', ')"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relkind IN ('r', 'p') AND " + userSchema("n.nspname")
                        + " AND " + notExtensionMember("pg_class", "c.oid")
                        + " ORDER BY n.nspname, c.relname");
             ResultSet rs = ps.executeQuery()) {
            List<Object[]> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Object[]{rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)});
            }
            for (Object[] r : rows) {
                objectReader.registerTable((Long) r[0], (String) r[1], (String) r[2]);
            }
            deps = objectReader.dependencies();
            for (Object[] r : rows) {
                String schema = (String) r[1];
                String name = (String) r[2];
                if (!tableFilter.test(new String[]{schema, name})) {
                    continue;
                }
                if (!schemas.contains(schema)) {
                    schemas.add(schema);
                }
                Table t = readTable(c, types, (Long) r[0], schema, name, "u".equals(r[3]), (Long) r[4]);
                Map<String, String> options = new LinkedHashMap<>(t.options());
                putIfSet(options, OPTION_PARTITION_KEY, (String) r[5]);
                putIfSet(options, OPTION_PARTITION_BOUND, (String) r[6]);
                putIfSet(options, r[6] != null ? OPTION_PARTITION_OF : OPTION_INHERITS, (String) r[7]);
                putIfSet(options, OPTION_RELOPTIONS, (String) r[8]);
                Set<String> needs = deps.get(PgObjectReader.tableKey(schema, name));
                if (needs != null) {
                    options.put(PgObjectReader.OPTION_DEPENDS_ON, String.join("\n", needs));
                }
                tables.add(new Table(t.schema(), t.name(), t.columns(), t.primaryKey(), t.uniqueKeys(), t.foreignKeys(),
                        t.indexes(), t.checks(), t.autoIncrementNext(), options));
            }
        }
        String version;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1);
        }
        for (int i = 0; i < objects.size(); i++) {
            SchemaModel.DbObject o = objects.get(i);
            Set<String> needs = deps.get(o.key());
            if (needs != null) {
                List<String> all = new ArrayList<>(o.dependsOn());
                needs.stream().filter(k -> !all.contains(k)).forEach(all::add);
                objects.set(i, new SchemaModel.DbObject(o.kind(), o.schema(), o.name(), o.table(), o.create(), o.drop(),
                        all, o.phase()));
            }
        }
        return new SchemaModel(SchemaModel.FORMAT, "PostgreSQL", version, defaultSchema,
                TableOrder.loadOrder(tables), readSequences(c, schemas), List.of(), List.of(), objects);
    }

    private static void putIfSet(Map<String, String> options, String key, String value) {
        if (value != null && !value.isEmpty()) {
            options.put(key, value);
        }
    }

    static String userSchema(String column) {
        return column + " NOT IN ('pg_catalog', 'information_schema') AND " + column + " !~ '^pg_'";
    }

    /** The first existing schema of the search path the connection had before the reader cleared it. */
    private static String currentSchema(Connection c) throws SQLException {
        String schema = c.getSchema();
        return schema == null ? "public" : schema;
    }

    private Table readTable(Connection c, TypeInfo types, long oid, String schema, String name, boolean unlogged,
                            long size) throws SQLException {
        List<Column> columns = new ArrayList<>();
        Map<Integer, String> attNames = new LinkedHashMap<>();
        Map<String, String> columnOptions = new LinkedHashMap<>();
        boolean binarySafe = true;
        try (PreparedStatement ps = c.prepareStatement(
                """
                SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid, a.atttypmod,
                a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
                t.typtype, t.typelem, t.typbasetype, t.typname,
                EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                  JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_class tc ON tc.oid = a.attrelid
                  WHERE d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'a'
                  AND d.classid = 'pg_class'::regclass AND %s) AS owns_sequence,
                a.attislocal,
                CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
                  (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
                  JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END,
                CASE WHEN a.attstorage <> t.typstorage THEN CASE a.attstorage WHEN 'p' THEN 'PLAIN'
                  WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END END,
                CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END,
                (SELECT 'SEQUENCE NAME ' || quote_ident(n.nspname) || '.' || quote_ident(s.relname)
                  || ' START WITH ' || q.seqstart || ' INCREMENT BY ' || q.seqincrement || ' MINVALUE '
                  || q.seqmin || ' MAXVALUE ' || q.seqmax || ' CACHE ' || q.seqcache
                  || CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' END FROM pg_depend d JOIN pg_class s
                  ON s.oid = d.objid JOIN pg_sequence q ON q.seqrelid = s.oid
                  JOIN pg_namespace n ON n.oid = s.relnamespace WHERE d.classid = 'pg_class'::regclass
                  AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i')
                FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""".formatted(SERIAL_SEQUENCE))) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String col = rs.getString(2);
                    attNames.put(rs.getInt(1), col);
                    String nativeType = rs.getString(3);
                    int typeOid = (int) rs.getLong(4);
                    int typmod = rs.getInt(5);
                    String def = rs.getString(7);
                    String identity = rs.getString(8);
                    String generated = rs.getString(9);
                    String typtype = rs.getString(10);
                    long elem = rs.getLong(11);
                    long base = rs.getLong(12);
                    boolean ownsSequence = rs.getBoolean(14);
                    String prefix = OPTION_COLUMN + col + ".";
                    if (!rs.getBoolean(15)) {
                        columnOptions.put(prefix + "inherited", "true");
                    }
                    putIfSet(columnOptions, prefix + "collation", rs.getString(16));
                    putIfSet(columnOptions, prefix + "storage", rs.getString(17));
                    putIfSet(columnOptions, prefix + "statistics", rs.getString(18));
                    putIfSet(columnOptions, prefix + "identity", rs.getString(19));
                    int jdbcType = types.getSQLType(typeOid);
                    Integer precision = types.getPrecision(typeOid, typmod);
                    Integer scale = types.getScale(typeOid, typmod);
                    Identity ident = switch (identity == null ? "" : identity) {
                        case "a" -> Identity.ALWAYS;
                        case "d" -> Identity.BY_DEFAULT;
                        default -> ownsSequence && def != null && def.startsWith("nextval(")
                                && isSerialBase(nativeType) ? Identity.AUTO_INCREMENT : Identity.NONE;
                    };
                    boolean isGenerated = "s".equals(generated);
                    if (typeOid >= FIRST_NORMAL_OID && !("e".equals(typtype) && elem == 0)
                            && !("d".equals(typtype) && base < FIRST_NORMAL_OID)) {
                        binarySafe = false; // arrays/composites of user types carry OIDs that differ per database
                    }
                    if (elem >= FIRST_NORMAL_OID) {
                        binarySafe = false;
                    }
                    columns.add(new Column(col, nativeType, jdbcType, precision == 0 ? null : precision,
                            scale == 0 && precision == 0 ? null : scale, !rs.getBoolean(6),
                            ident == Identity.NONE && !isGenerated ? def : null, ident,
                            isGenerated ? def : null, dialect.valueType(jdbcType, rs.getString(13), precision, scale)));
                }
            }
        }
        Key pk = null;
        List<Key> uniques = new ArrayList<>();
        List<ForeignKey> fks = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                """
                SELECT con.conname, con.contype, con.condeferrable, con.confupdtype, con.confdeltype,
                con.conkey, fn.nspname, fc.relname, con.confkey, con.confrelid, pg_get_constraintdef(con.oid),
                con.convalidated
                FROM pg_constraint con LEFT JOIN pg_class fc ON fc.oid = con.confrelid
                LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
                WHERE con.conrelid = ? AND con.contype IN ('p', 'u', 'f', 'c', 'x')
                AND (con.contype <> 'f' OR con.conparentid = 0) AND (con.contype <> 'c' OR con.conislocal)
                ORDER BY con.conname""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String conName = rs.getString(1);
                    List<String> cols = attributeNames(rs.getArray(6), attNames);
                    columnOptions.put(OPTION_CONSTRAINT + conName, rs.getString(11));
                    switch (rs.getString(2)) {
                        case "p" -> pk = new Key(conName, cols);
                        case "u" -> uniques.add(new Key(conName, cols));
                        case "f" -> fks.add(new ForeignKey(conName, cols, rs.getString(7), rs.getString(8),
                                referencedColumns(c, rs.getLong(10), rs.getArray(9)), action(rs.getString(4)),
                                action(rs.getString(5)), rs.getBoolean(3)));
                        case "x" -> { }
                        case "c" -> {
                            String def = rs.getString(11);
                            if (!rs.getBoolean(12)) {
                                continue; // NOT VALID: added after the load, from its definition
                            }
                            checks.add(new Check(conName, def.startsWith("CHECK ") ? def.substring(6) : def));
                        }
                        default -> throw new IllegalStateException("unexpected constraint type");
                    }
                }
            }
        }
        // PostgreSQL 18 names NOT NULL constraints (none before: no rows); a partition or child keeps the names it was
        // created with, which are not those it gets from its parent when created as one
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, con.conname FROM pg_constraint con"
                + " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]"
                + " WHERE con.conrelid = ? AND con.contype = 'n' ORDER BY a.attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columnOptions.put(OPTION_COLUMN + rs.getString(1) + "." + OPTION_NOT_NULL_NAME, rs.getString(2));
                }
            }
        }
        List<Index> indexes = readIndexes(c, oid);
        Map<String, String> options = new LinkedHashMap<>();
        options.put(OPTION_BINARY_SAFE, Boolean.toString(binarySafe));
        if (unlogged) {
            options.put(OPTION_UNLOGGED, "true");
        }
        options.putAll(columnOptions);
        return new Table(schema, name, columns, pk, uniques, fks, indexes, checks, null, options);
    }

    private static boolean isSerialBase(String nativeType) {
        return nativeType.equals("integer") || nativeType.equals("bigint") || nativeType.equals("smallint");
    }

    private static List<String> attributeNames(Array array, Map<Integer, String> names) throws SQLException {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (Object n : toList(array)) {
                out.add(names.get(((Number) n).intValue()));
            }
        }
        return out;
    }

    private static List<Object> toList(Array array) throws SQLException {
        Object a = array.getArray();
        if (a instanceof Object[] objects) {
            return Arrays.asList(objects);
        }
        List<Object> out = new ArrayList<>();
        if (a instanceof short[] shorts) {
            for (short s : shorts) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<String> referencedColumns(Connection c, long relid, Array keys) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attname FROM pg_attribute WHERE attrelid = ? AND attnum = ?")) {
            for (Object n : toList(keys)) {
                ps.setLong(1, relid);
                ps.setInt(2, ((Number) n).intValue());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String action(String code) {
        return switch (code == null ? "a" : code) {
            case "r" -> "RESTRICT";
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            default -> null;
        };
    }

    private static List<Index> readIndexes(Connection c, long tableOid) throws SQLException {
        List<Index> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                """
                SELECT ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid), i.indexrelid, i.indnkeyatts
                FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                WHERE i.indrelid = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                  AND con.contype IN ('p', 'u', 'x'))
                ORDER BY ic.relname""");
             PreparedStatement parts = c.prepareStatement(
                     """
                     SELECT pg_get_indexdef(i.indexrelid, k, true), i.indkey[k - 1] = 0,
                     (i.indoption[k - 1] & 1) = 1
                     FROM pg_index i, generate_series(1, i.indnkeyatts) k WHERE i.indexrelid = ?
                     ORDER BY k""")) {
            ps.setLong(1, tableOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<IndexColumn> cols = new ArrayList<>();
                    parts.setLong(1, rs.getLong(4));
                    try (ResultSet p = parts.executeQuery()) {
                        while (p.next()) {
                            cols.add(new IndexColumn(p.getString(1), p.getBoolean(3), p.getBoolean(2)));
                        }
                    }
                    out.add(new Index(rs.getString(1), rs.getBoolean(2), cols, rs.getString(3)));
                }
            }
        }
        return out;
    }

    private static List<Sequence> readSequences(Connection c, List<String> schemas) throws SQLException {
        List<Sequence> out = new ArrayList<>();
        List<String[]> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,"
                        + " s.seqmax, s.seqcycle,"
                        + " (SELECT tn.nspname || '.' || tc.relname || '.' || a.attname FROM pg_depend d"
                        + "   JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
                        + "   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                        + "   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                        + "   AND d.refclassid = 'pg_class'::regclass AND (d.deptype = 'i' OR d.deptype = 'a' AND"
                        + "   EXISTS (SELECT 1 FROM pg_class s, pg_namespace n WHERE s.oid = c.oid AND n.oid = s.relnamespace"
                        + "   AND " + SERIAL_SEQUENCE.replace("a.attname", "a.attname").replace("tc.", "tc.") + ")) LIMIT 1)"
                        + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ANY (?) AND " + notExtensionMember("pg_class", "c.oid")
                        + " ORDER BY n.nspname, c.relname")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)});
                }
            }
        }
        for (String[] f : found) {
            Long last = null;
            long increment = Long.parseLong(f[4]);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM "
                         + PostgresDialect.INSTANCE.qualify(f[0], f[1]))) {
                rs.next();
                long value = rs.getLong(1);
                boolean called = rs.getBoolean(2);
                if (called) {
                    last = value;
                } else if (value != Long.parseLong(f[3])) {
                    last = value - increment; // setval(..., false): the next value is last_value itself
                }
            }
            out.add(new Sequence(f[0], f[1], f[2], Long.parseLong(f[3]), increment, Long.parseLong(f[5]),
                    Long.parseLong(f[6]), "t".equals(f[7]) || "true".equals(f[7]), last, f[8]));
        }
        return out;
    }
}
