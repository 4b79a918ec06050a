package io.backupkit.jdbc.h2;

import io.backupkit.jdbc.internal.DbObjects;
import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.JdbcSchemaReader;
import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.jdbc.internal.TableOrder;
import io.backupkit.jdbc.internal.ValueType;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Sequence;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.Collections;
import java.util.Comparator;
import java.util.WeakHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * H2 2.x. Column types, identity state, unique and check constraints come from H2's standard INFORMATION_SCHEMA
 * (they bind values and check targets); the DDL a restore runs is H2's own, from {@code SCRIPT NODATA}
 * ({@link H2Script}): each table's CREATE TABLE (identity options, domains, comments, storage), its primary key,
 * indexes and constraints, and as schema-model objects the domains with their constraints, constants, aliases,
 * aggregates, sequences (at their current value), views, triggers (by class name) and comments, in SCRIPT's
 * dependency order, and synonyms (which SCRIPT leaves out) from INFORMATION_SCHEMA. Dumps read in SNAPSHOT isolation. Foreign-key checks are switched with
 * {@code SET REFERENTIAL_INTEGRITY}, which is database-wide in H2 (only DATA_ONLY and MERGE need it).
 */
final class H2Dialect extends Dialect {

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public SchemaModel readSchema(Connection c, Predicate<String[]> tableFilter, List<String> warnings) throws SQLException {
        SchemaModel generic = new JdbcSchemaReader(this).read(c, tableFilter, warnings);
        List<H2Script.Entry> script = script(c);
        List<Table> tables = new ArrayList<>();
        for (Table t : generic.tables()) {
            tables.add(withScript(refine(c, t, warnings), script));
        }
        return new SchemaModel(SchemaModel.FORMAT, generic.product(), generic.productVersion(), generic.defaultSchema(),
                script.isEmpty() ? TableOrder.loadOrder(tables) : inScriptOrder(tables, script), generic.sequences(),
                List.of(), List.of(), generic.objects());
    }

    /**
     * The tables in the order H2 created them, as SCRIPT lists them, so that a restore creates them in that order too
     * (foreign keys come after the load; with foreign-key checks off the load order does not matter).
     */
    private static List<Table> inScriptOrder(List<Table> tables, List<H2Script.Entry> script) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < script.size(); i++) {
            if (script.get(i).kind().equals("table")) {
                position.put(script.get(i).qualifiedName(), i);
            }
        }
        List<Table> out = new ArrayList<>(tables);
        out.sort(Comparator.comparingInt(t -> position.getOrDefault(t.qualifiedName(), Integer.MAX_VALUE)));
        return out;
    }

    /**
     * SCRIPT NODATA of a dump connection, read before its snapshot began: SCRIPT commits the transaction it runs in,
     * which would end the snapshot. Keyed by connection (weakly), so the dialect stays shareable between threads.
     */
    private static final Map<Connection, List<H2Script.Entry>> SNAPSHOT_SCRIPTS =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** SCRIPT NODATA, or empty when the user may not run it (it needs ADMIN: {@link #uncapturable} says so). */
    private static List<H2Script.Entry> script(Connection c) throws SQLException {
        List<H2Script.Entry> known = SNAPSHOT_SCRIPTS.get(c);
        if (known != null) {
            return known;
        }
        try {
            return H2Script.read(c);
        } catch (SQLException e) {
            if (e.getErrorCode() == NOT_ADMIN) {
                return List.of();
            }
            throw e;
        }
    }

    /** H2's error code for a command that needs ADMIN rights. */
    private static final int NOT_ADMIN = 90040;
    private static final String CREATE = "h2.create";
    private static final String SCHEMA = "h2.schema";
    private static final String KEYS = "h2.keys";
    private static final String FOREIGN_KEYS = "h2.foreignKeys";
    /** Separates the statements of one table option. */
    private static final String SEPARATOR = "\u0000";

    /**
     * The table with H2's own DDL in its options: CREATE TABLE and primary key ({@code h2.create}), indexes, unique
     * and check constraints ({@code h2.keys}) and foreign keys ({@code h2.foreignKeys}), each in SCRIPT's order.
     */
    private static Table withScript(Table t, List<H2Script.Entry> script) {
        List<String> create = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> fks = new ArrayList<>();
        for (H2Script.Entry e : script) {
            if (!t.schema().equals(e.tableSchema()) || !t.name().equals(e.table())) {
                continue;
            }
            switch (e.kind()) {
                case "table" -> create.add(0, e.sql());
                case "index" -> keys.add(e.sql());
                case "constraint" -> {
                    switch (H2Script.constraintType(e)) {
                        case "PRIMARY KEY" -> create.add(e.sql());
                        case "FOREIGN KEY" -> fks.add(e.sql());
                        default -> keys.add(e.sql());
                    }
                }
                default -> {
                }
            }
        }
        if (create.isEmpty() || !create.get(0).startsWith("CREATE ")) {
            return t;
        }
        Map<String, String> options = new LinkedHashMap<>(t.options());
        options.put(SCHEMA, t.schema());
        options.put(CREATE, String.join(SEPARATOR, create));
        options.put(KEYS, String.join(SEPARATOR, keys));
        options.put(FOREIGN_KEYS, String.join(SEPARATOR, fks));
        return new Table(t.schema(), t.name(), t.columns(), t.primaryKey(), t.uniqueKeys(), t.foreignKeys(), t.indexes(),
                t.checks(), t.autoIncrementNext(), options);
    }

    /** H2's own statements of a table option, when the table is restored into the schema they name. */
    private static Optional<List<String>> scripted(Table t, String option) {
        String sql = t.options().get(option);
        if (sql == null || !t.schema().equals(t.options().get(SCHEMA))) {
            return Optional.empty();
        }
        return Optional.of(sql.isEmpty() ? List.of() : List.of(sql.split(SEPARATOR)));
    }

    @Override
    public List<String> createTable(Table t) {
        return scripted(t, CREATE).orElseGet(() -> super.createTable(t));
    }

    @Override
    public List<String> createKeysAndIndexes(Table t) {
        return scripted(t, KEYS).orElseGet(() -> super.createKeysAndIndexes(t));
    }

    @Override
    public List<String> addForeignKeys(Table t) {
        Optional<List<String>> sql = scripted(t, FOREIGN_KEYS);
        if (sql.isEmpty()) {
            return super.addForeignKeys(t);
        }
        // only the keys the restore can resolve (AbstractJdbcDumper#withResolvableForeignKeys kept them in the model)
        return sql.get().stream().filter(stmt -> t.foreignKeys().stream().anyMatch(fk -> fk.name() != null
                && stmt.contains(" ADD CONSTRAINT " + H2Script.quote(t.schema()) + "." + H2Script.quote(fk.name()) + " ")))
                .toList();
    }

    @Override
    public boolean foreignKeysAfterLoad() {
        return true;
    }

    /**
     * Domains (with their constraints), constants, aliases, aggregates, sequences, views, triggers and synonyms of
     * the selected tables, and comments on them, from SCRIPT NODATA in its order. Views depend on the tables, views and
     * aliases their text names; triggers and synonyms belong to their table; a comment to what it is on.
     */
    @Override
    public List<SchemaModel.DbObject> readObjects(Connection c, List<Table> tables, List<String> schemas)
            throws SQLException {
        List<H2Script.Entry> script = script(c);
        Set<String> tableNames = new HashSet<>();
        tables.forEach(t -> tableNames.add(t.qualifiedName()));
        List<SchemaModel.DbObject> out = new ArrayList<>();
        Map<String, Integer> keyOf = new HashMap<>(); // "KIND "S"."N"" as COMMENT ON names it -> position in out
        for (H2Script.Entry e : script) {
            String q = H2Script.quote(e.schema()) + "." + H2Script.quote(e.name());
            String key = e.kind() + " " + e.qualifiedName();
            SchemaModel.Phase pre = SchemaModel.Phase.PRE_DATA;
            SchemaModel.Phase post = SchemaModel.Phase.POST_DATA;
            if (!schemas.contains(e.schema()) && !e.kind().equals("comment")) {
                continue;
            }
            SchemaModel.DbObject o = switch (e.kind()) {
                case "domain" -> new SchemaModel.DbObject("domain", e.schema(), e.name(), null, List.of(e.sql()),
                        "DROP DOMAIN IF EXISTS " + q, List.of(), pre);
                case "domain constraint" -> new SchemaModel.DbObject("domain constraint", e.schema(), e.name(), null,
                        List.of(e.sql()), null, dependencies(e, out, "domain " + e.tableSchema() + "." + e.table()), post);
                case "constant" -> new SchemaModel.DbObject("constant", e.schema(), e.name(), null, List.of(e.sql()),
                        "DROP CONSTANT IF EXISTS " + q, List.of(), pre);
                case "function" -> new SchemaModel.DbObject("function", e.schema(), e.name(), null, List.of(e.sql()),
                        "DROP ALIAS IF EXISTS " + q, List.of(), pre);
                case "aggregate" -> new SchemaModel.DbObject("aggregate", e.schema(), e.name(), null, List.of(e.sql()),
                        "DROP AGGREGATE IF EXISTS " + q, List.of(), pre);
                case "sequence" -> new SchemaModel.DbObject("sequence", e.schema(), e.name(), null, List.of(e.sql()),
                        "DROP SEQUENCE IF EXISTS " + q, List.of(), pre);
                case "view" -> new SchemaModel.DbObject("view", e.schema(), e.name(), null, List.of(e.sql()),
                        "DROP VIEW IF EXISTS " + q, viewDependencies(e, out, tables), post);
                case "trigger" -> tableNames.contains(e.qualifiedTable())
                        ? new SchemaModel.DbObject(e.kind(), e.schema(), e.name(), e.qualifiedTable(), List.of(e.sql()),
                        "DROP TRIGGER IF EXISTS " + q,
                        List.of(DbObjects.tableKey(e.qualifiedTable())), post) : null;
                case "comment" -> {
                    commentOn(e, keyOf, out);
                    yield null;
                }
                default -> null;
            };
            if (o != null) {
                keyOf.put(commentWord(o.kind()) + " " + q, out.size());
                out.add(o);
            }
        }
        if (!script.isEmpty()) {
            out.addAll(synonyms(c, tableNames, schemas));
        }
        return out;
    }

    /** Synonyms of the selected tables: SCRIPT leaves them out, INFORMATION_SCHEMA has them. */
    private List<SchemaModel.DbObject> synonyms(Connection c, Set<String> tableNames, List<String> schemas)
            throws SQLException {
        List<SchemaModel.DbObject> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SYNONYM_SCHEMA, SYNONYM_NAME, "
                + "SYNONYM_FOR_SCHEMA, SYNONYM_FOR FROM INFORMATION_SCHEMA.SYNONYMS ORDER BY SYNONYM_SCHEMA, SYNONYM_NAME")) {
            while (rs.next()) {
                String table = rs.getString(3) + "." + rs.getString(4);
                if (schemas.contains(rs.getString(1)) && tableNames.contains(table)) {
                    String q = qualify(rs.getString(1), rs.getString(2));
                    out.add(new SchemaModel.DbObject("synonym", rs.getString(1), rs.getString(2), table,
                            List.of("CREATE SYNONYM " + q + " FOR " + qualify(rs.getString(3), rs.getString(4))),
                            "DROP SYNONYM IF EXISTS " + q, List.of(DbObjects.tableKey(table)), SchemaModel.Phase.POST_DATA));
                }
            }
        }
        return out;
    }

    /** The word COMMENT ON uses for an object kind. */
    private static String commentWord(String kind) {
        return switch (kind) {
            case "function" -> "ALIAS";
            case "domain constraint" -> "CONSTRAINT";
            default -> kind.toUpperCase(Locale.ROOT);
        };
    }

    /**
     * A comment on an object this dump captured becomes part of that object's creation, so that it comes back with it
     * (also when DATA_ONLY re-creates a trigger); comments on tables, columns, indexes and constraints are in their
     * DDL already.
     */
    private static void commentOn(H2Script.Entry e, Map<String, Integer> positionOf, List<SchemaModel.DbObject> out) {
        Integer at = positionOf.get(e.name());
        if (at == null) {
            return;
        }
        SchemaModel.DbObject o = out.get(at);
        List<String> create = new ArrayList<>(o.create());
        create.add(e.sql());
        out.set(at, new SchemaModel.DbObject(o.kind(), o.schema(), o.name(), o.table(), create, o.drop(), o.dependsOn(),
                o.phase()));
    }

    private static List<String> dependencies(H2Script.Entry e, List<SchemaModel.DbObject> before, String first) {
        List<String> deps = new ArrayList<>(List.of(first));
        for (SchemaModel.DbObject o : before) {
            if ((o.kind().equals("function") || o.kind().equals("constant") || o.kind().equals("aggregate"))
                    && H2Script.names(e.sql(), o.schema(), o.name())) {
                deps.add(o.key());
            }
        }
        return deps;
    }

    private static List<String> viewDependencies(H2Script.Entry e, List<SchemaModel.DbObject> before, List<Table> tables) {
        List<String> deps = new ArrayList<>();
        for (Table t : tables) {
            if (H2Script.names(e.sql(), t.schema(), t.name())) {
                deps.add(DbObjects.tableKey(t.qualifiedName()));
            }
        }
        for (SchemaModel.DbObject o : before) {
            if (!o.kind().equals("comment") && !o.kind().equals("domain constraint")
                    && H2Script.names(e.sql(), o.schema(), o.name())) {
                deps.add(o.key());
            }
        }
        return deps;
    }

    /**
     * What this dumper cannot capture: the rows of linked tables (they live in another database, the dump would
     * copy them as a plain table), statements of SCRIPT it does not know, and everything when SCRIPT is refused.
     */
    @Override
    public List<String> uncapturable(Connection c, SchemaModel model) throws SQLException {
        List<H2Script.Entry> script = script(c);
        List<String> out = new ArrayList<>();
        if (script.isEmpty()) {
            out.add("the schema objects of this database (sequences, domains, views, triggers, constraints ...): "
                    + "reading them with SCRIPT NODATA needs ADMIN rights, which the backup user lacks");
            return out;
        }
        for (H2Script.Entry e : script) {
            if (e.kind().equals("linked table")) {
                out.add("linked table " + e.qualifiedName() + ": its rows live in another database");
            } else if (e.kind().equals("unknown")) {
                out.add("H2 statement not understood by this dumper: " + e.sql());
            }
        }
        return out;
    }

    /**
     * What the database references outside itself: its users and roles and the grants to them, its settings
     * (server-level for a restore: the target has its own), and the Java classes its triggers and aliases call (application code, on the
     * class path of whoever opens the database).
     */
    @Override
    public List<String> outsideBackup(Connection c, SchemaModel model) throws SQLException {
        List<String> out = new ArrayList<>();
        for (H2Script.Entry e : script(c)) {
            switch (e.kind()) {
                case "user", "role" -> out.add(e.kind() + " " + e.name());
                case "grant" -> out.add("grant: " + e.sql());
                case "setting" -> out.add("database setting: " + e.sql());
                case "trigger", "function", "aggregate" -> javaClass(e.sql()).ifPresent(cls ->
                        out.add("Java class " + cls + ": called by " + e.kind() + " " + e.qualifiedName()));
                default -> {
                }
            }
        }
        return out;
    }

    private static final Pattern JAVA_CLASS = Pattern.compile(
            " (?:CALL|FOR) '((?:[^']|'')*)'$");

    private static Optional<String> javaClass(String sql) {
        Matcher m = JAVA_CLASS.matcher(sql);
        if (!m.find()) {
            return Optional.empty(); // source code (AS $$ ... $$) is in the database itself
        }
        String target = m.group(1).replace("''", "'");
        int paren = target.indexOf('(');
        String cls = paren < 0 ? target : target.substring(0, target.lastIndexOf('.', paren));
        return Optional.of(cls);
    }

    /**
     * DROP TABLE ... CASCADE removes the foreign keys other tables have onto the dropped one: a restore that leaves
     * those tables alone puts them back (validated: OutsideReferences checked before anything changed).
     */
    @Override
    public List<String> keptDependents(Connection c, List<Table> dropped, Set<String> restoredTables) throws SQLException {
        Set<String> droppedNames = new HashSet<>();
        dropped.forEach(t -> droppedNames.add(t.qualifiedName()));
        List<String> out = new ArrayList<>();
        List<H2Script.Entry> script = script(c);
        for (H2Script.Entry e : script) {
            if (e.kind().equals("constraint") && !restoredTables.contains(e.qualifiedTable())
                    && H2Script.constraintType(e).equals("FOREIGN KEY") && droppedNames.contains(H2Script.referencedTable(e))) {
                out.add(e.sql().replace(" NOCHECK", ""));
            }
        }
        out.addAll(viewsDroppedWith(script, droppedNames, restoredTables));
        return out;
    }

    /**
     * The target's views that DROP TABLE ... CASCADE removes with the dropped tables (directly or through other
     * views) but that the restore does not bring back, because they also use a table it leaves alone: re-created as
     * they were, FORCE so that their order does not matter.
     */
    private static List<String> viewsDroppedWith(List<H2Script.Entry> script, Set<String> dropped, Set<String> restored) {
        Map<String, Set<String>> uses = new LinkedHashMap<>(); // view -> tables it uses, through other views too
        Map<String, H2Script.Entry> views = new LinkedHashMap<>();
        List<String> tables = script.stream().filter(e -> e.kind().equals("table")).map(H2Script.Entry::qualifiedName).toList();
        for (H2Script.Entry e : script) {
            if (!e.kind().equals("view")) {
                continue;
            }
            Set<String> used = new HashSet<>();
            for (String t : tables) {
                int dot = t.indexOf('.');
                if (H2Script.names(e.sql(), t.substring(0, dot), t.substring(dot + 1))) {
                    used.add(t);
                }
            }
            for (Map.Entry<String, H2Script.Entry> v : views.entrySet()) {
                if (H2Script.names(e.sql(), v.getValue().schema(), v.getValue().name())) {
                    used.addAll(uses.get(v.getKey()));
                }
            }
            uses.put(e.qualifiedName(), used);
            views.put(e.qualifiedName(), e);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> v : uses.entrySet()) {
            Set<String> used = v.getValue();
            if (used.stream().anyMatch(dropped::contains) && !restored.containsAll(used)) {
                out.add(views.get(v.getKey()).sql());
                for (H2Script.Entry e : script) {
                    if (e.kind().equals("comment") && e.name().equals("VIEW " + H2Script.quote(views.get(v.getKey()).schema())
                            + "." + H2Script.quote(views.get(v.getKey()).name()))) {
                        out.add(e.sql());
                    }
                }
            }
        }
        return out;
    }

    /** The object's statements naming the target schema instead of the backup's (SCRIPT qualifies every name). */
    @Override
    public SchemaModel.DbObject inSchema(SchemaModel.DbObject o, UnaryOperator<String> mapSchema) {
        String from = o.schema().isEmpty() ? null : o.schema();
        if (from == null || mapSchema.apply(from).equals(from)) {
            return o;
        }
        String a = H2Script.quote(from) + ".";
        String b = H2Script.quote(mapSchema.apply(from)) + ".";
        return new SchemaModel.DbObject(o.kind(), mapSchema.apply(from), o.name(),
                o.table() == null ? null : mapQualified(o.table(), mapSchema),
                o.create().stream().map(sql -> sql.replace(a, b)).toList(), o.drop() == null ? null : o.drop().replace(a, b),
                o.dependsOn(), o.phase());
    }

    private static String mapQualified(String qualified, UnaryOperator<String> mapSchema) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? qualified : mapSchema.apply(qualified.substring(0, dot)) + qualified.substring(dot);
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
        for (String[] r : JdbcSupport.rows(c, q, 4, ResultSet::getString, String[]::new, t.schema(), t.name())) {
            if ("UNIQUE".equals(r[1])) {
                uniques.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[3]);
            }
        }
        // An index H2 generated for a constraint is not recreated; a user index a constraint reuses is.
        for (String[] r : JdbcSupport.rows(c, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ? AND IS_GENERATED", 1, ResultSet::getString, String[]::new, t.schema(), t.name())) {
            constraintIndexes.add(r[0]);
        }
        List<Key> uniqueKeys = uniques.entrySet().stream().map(e -> new Key(e.getKey(), e.getValue())).toList();
        List<Index> indexes = t.indexes().stream().filter(ix -> !constraintIndexes.contains(ix.name())).toList();
        List<SchemaModel.Check> checks = new ArrayList<>();
        String cq = "SELECT tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc "
                + "JOIN INFORMATION_SCHEMA.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
                + "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? "
                + "AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY tc.CONSTRAINT_NAME";
        for (String[] r : JdbcSupport.rows(c, cq, 2, ResultSet::getString, String[]::new, t.schema(), t.name())) {
            checks.add(new SchemaModel.Check(r[0], r[1]));
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
        return JdbcSupport.rows(c, "SELECT VALUE_NAME FROM INFORMATION_SCHEMA.ENUM_VALUES WHERE OBJECT_SCHEMA = ?"
                + " AND OBJECT_NAME = ? AND OBJECT_TYPE = 'TABLE' AND ENUM_IDENTIFIER = ? ORDER BY VALUE_ORDINAL", 1,
                ResultSet::getString, String[]::new, t.schema(), t.name(), dtd).stream().map(r -> literal(r[0])).toList();
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
        SNAPSHOT_SCRIPTS.put(c, script(c));
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

    /**
     * Format 1 backups' sequences. A format 2 backup also has the sequence as a schema-model object (SCRIPT's own
     * DDL, at its current value), which REPLACE drops and re-creates after this.
     */
    @Override
    public List<String> createSequence(Sequence s) {
        return List.of("CREATE SEQUENCE " + qualify(s.schema(), s.name()) + (s.dataType() != null ? " AS " + s.dataType() : "")
                + " START WITH " + s.start() + " INCREMENT BY " + s.increment()
                + (s.minValue() != null ? " MINVALUE " + s.minValue() : "")
                + (s.maxValue() != null ? " MAXVALUE " + s.maxValue() : "") + (s.cycle() ? " CYCLE" : " NO CYCLE"));
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
            LoggerFactory.getLogger(H2Dialect.class).info("foreign-key checks stay on: {}", e.getMessage());
            return false;
        }
    }
}
