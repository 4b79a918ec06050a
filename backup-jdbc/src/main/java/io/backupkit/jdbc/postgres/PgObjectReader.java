package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.SchemaModel.DbObject;
import io.backupkit.jdbc.internal.SchemaModel.Phase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.io.IOException;
import java.sql.Array;
import java.util.Locale;

/**
 * Reads every PostgreSQL database object that is not a table, sequence or column into {@link DbObject}s, as the
 * server's own DDL ({@code pg_get_functiondef}, {@code pg_get_viewdef}, {@code pg_get_triggerdef},
 * {@code pg_get_ruledef}, {@code pg_get_indexdef}, {@code pg_get_statisticsobjdef}, {@code pg_get_expr}) or built
 * from the catalog rows where the server has no such function (types, aggregates, operators, casts, collations,
 * policies, comments, grants). Each kind is one catalog query for the whole database, never one per object, and
 * the dependencies between objects come from {@code pg_depend} in one more query. Runs with an empty search path
 * (set by {@link PgCatalogReader}), so every name in those texts is schema-qualified.
 *
 * <p>Objects created by an extension are the extension's (they come back with {@code CREATE EXTENSION}); what the
 * reader cannot capture and the server-level objects the database refers to (roles, tablespaces, event triggers)
 * are listed by {@link #notCaptured} and {@link #outsideBackup}.
 */
final class PgObjectReader {
    /** Table option: the keys of the pre-data objects and tables the table needs first (newline-separated). */
    static final String OPTION_DEPENDS_ON = "dependsOn";

    private static final String USER_OID = " >= " + PgCatalogReader.FIRST_NORMAL_OID;

    private final Connection c;
    private final String dumpUser;
    /** {@code classid:objid} of every captured object (and of its sub-objects) to its node key. */
    private final Map<String, String> nodes = new HashMap<>();
    private final List<DbObject> objects = new ArrayList<>();
    private final Set<String> roles = new LinkedHashSet<>();
    private final Map<String, Set<String>> roleUses = new LinkedHashMap<>();

    PgObjectReader(Connection c) throws SQLException {
        this.c = c;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            this.dumpUser = rs.getString(1);
        }
    }

    static String tableKey(String schema, String name) {
        return "table " + schema + "." + name;
    }

    /** Everything, in catalog order; {@link #dependencies} then fills in what each needs. */
    List<DbObject> read() throws SQLException {
        readSchemas();
        readExtensions();
        readCollations();
        readTypes();
        readFunctions();
        readAggregates();
        readOperators();
        readCasts();
        readViews();
        readMatviewIndexes();
        readTriggers();
        readRules();
        readPolicies();
        readStatistics();
        readOwnedSequences();
        readComments();
        readGrants();
        return objects;
    }

    /** Registers the tables (by oid) so dependencies on them resolve. */
    void registerTable(long oid, String schema, String name) {
        nodes.put("pg_class:" + oid, tableKey(schema, name));
    }

    private static String q(String ident) {
        return PostgresSupport.quoteIdentLikePostgres(ident);
    }

    private static String qn(String schema, String name) {
        return q(schema) + "." + q(name);
    }

    private void add(String catalog, long oid, DbObject o) {
        objects.add(o);
        if (catalog != null) {
            nodes.put(catalog + ":" + oid, o.key());
        }
    }

    private List<Object[]> rows(String sql, int columns) throws SQLException {
        return JdbcSupport.rows(c, sql, columns, ResultSet::getObject, Object[]::new);
    }

    private static String s(Object o) {
        return o == null ? null : o.toString();
    }

    private static long l(Object o) {
        return ((Number) o).longValue();
    }

    /** Neither an extension's member nor part of another object (a range type's multirange constructors and casts). */
    private static String notExt(String catalog, String oid) {
        return PgCatalogReader.notExtensionMember(catalog, oid) + " AND NOT EXISTS (SELECT 1 FROM pg_depend di"
                + " WHERE di.classid = '" + catalog + "'::regclass AND di.objid = " + oid + " AND di.deptype = 'i')";
    }

    private static final String USER_NS = PgCatalogReader.userSchema("n.nspname");

    /** ALTER ... OWNER TO when the owner is another role than the one dumping (like pg_restore without --no-owner). */
    private List<String> owner(String kind, String object, String owner, String where) {
        if (owner == null || owner.equals(dumpUser)) {
            return List.of();
        }
        useRole(owner, "owner of " + where);
        return List.of("ALTER " + kind + " " + object + " OWNER TO " + q(owner));
    }

    private void useRole(String role, String what) {
        roles.add(role);
        roleUses.computeIfAbsent(role, r -> new LinkedHashSet<>()).add(what);
    }

    private void readSchemas() throws SQLException {
        for (Object[] r : rows("SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) FROM pg_namespace n WHERE "
                + USER_NS + " AND n.nspname <> 'public' AND " + notExt("pg_namespace", "n.oid") + " ORDER BY 2", 3)) {
            String name = s(r[1]);
            List<String> create = new ArrayList<>(List.of("CREATE SCHEMA IF NOT EXISTS " + q(name)));
            create.addAll(owner("SCHEMA", q(name), s(r[2]), "schema " + name));
            add("pg_namespace", l(r[0]), new DbObject("schema", "", name, null, create, null, List.of(), Phase.PRE_DATA));
        }
    }

    private void readExtensions() throws SQLException {
        for (Object[] r : rows("SELECT e.oid, e.extname, n.nspname, e.extversion FROM pg_extension e"
                + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.oid", 4)) {
            add("pg_extension", l(r[0]), new DbObject("extension", "", s(r[1]), null,
                    List.of("CREATE EXTENSION IF NOT EXISTS " + q(s(r[1])) + " WITH SCHEMA " + q(s(r[2]))
                            + " VERSION " + PostgresDialect.INSTANCE.literal(s(r[3]))),
                    null, List.of(), Phase.PRE_DATA));
        }
    }

    private void readCollations() throws SQLException {
        // to_jsonb: the locale columns differ between versions (colliculocale in 15-16, colllocale from 17)
        for (Object[] r : rows("SELECT co.oid, n.nspname, co.collname, to_jsonb(co)::text, pg_get_userbyid(co.collowner)"
                + " FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE " + USER_NS + " AND "
                + notExt("pg_collation", "co.oid") + " ORDER BY co.oid", 5)) {
            Map<String, Object> row = Json.object(s(r[3]));
            String provider = switch (String.valueOf(row.get("collprovider"))) {
                case "i" -> "icu";
                case "b" -> "builtin";
                case "d" -> "default";
                default -> "libc";
            };
            Object locale = row.getOrDefault("colllocale", row.get("colliculocale"));
            List<String> opts = new ArrayList<>();
            opts.add("provider = " + provider);
            if (!"libc".equals(provider)) {
                opts.add("locale = " + lit(s(locale)));
            } else if (String.valueOf(row.get("collcollate")).equals(String.valueOf(row.get("collctype")))) {
                opts.add("locale = " + lit(s(row.get("collcollate"))));
            } else {
                opts.add("lc_collate = " + lit(s(row.get("collcollate"))));
                opts.add("lc_ctype = " + lit(s(row.get("collctype"))));
            }
            if (Boolean.FALSE.equals(row.get("collisdeterministic"))) {
                opts.add("deterministic = false");
            }
            String name = qn(s(r[1]), s(r[2]));
            List<String> create = new ArrayList<>(List.of("CREATE COLLATION " + name + " (" + String.join(", ", opts) + ")"));
            create.addAll(owner("COLLATION", name, s(r[4]), "collation " + name));
            add("pg_collation", l(r[0]), new DbObject("collation", s(r[1]), s(r[2]), null, create,
                    "DROP COLLATION IF EXISTS " + name, List.of(), Phase.PRE_DATA));
        }
    }

    private static String lit(String text) {
        return PostgresDialect.INSTANCE.literal(text == null ? "" : text);
    }

    private void readTypes() throws SQLException {
        String base = "SELECT t.oid, n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner),"
                + " ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),"
                + " format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,"
                + " ARRAY(SELECT 'CONSTRAINT ' || quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid)"
                + "   FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.conname),"
                + " CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT bt.typcollation FROM pg_type bt"
                + "   WHERE bt.oid = t.typbasetype) THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)"
                + "   FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) END,"
                + " ARRAY(SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)"
                + "   || CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN ' COLLATE '"
                + "   || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co"
                + "   JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) ELSE '' END"
                + "   FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid WHERE a.attrelid = t.typrelid"
                + "   AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),"
                + " (SELECT concat_ws(', ', 'subtype = ' || format_type(rg.rngsubtype, NULL),"
                + "   CASE WHEN rg.rngsubopc <> (SELECT oc.oid FROM pg_opclass oc WHERE oc.opcdefault AND oc.opcmethod ="
                + "     (SELECT oid FROM pg_am WHERE amname = 'btree') AND oc.opcintype = rg.rngsubtype LIMIT 1)"
                + "     THEN 'subtype_opclass = ' || (SELECT quote_ident(on2.nspname) || '.' || quote_ident(oc.opcname)"
                + "     FROM pg_opclass oc JOIN pg_namespace on2 ON on2.oid = oc.opcnamespace WHERE oc.oid = rg.rngsubopc) END,"
                + "   CASE WHEN rg.rngcollation <> 0 AND rg.rngcollation <> (SELECT st.typcollation FROM pg_type st"
                + "     WHERE st.oid = rg.rngsubtype) THEN 'collation = ' || rg.rngcollation::regcollation::text END,"
                + "   CASE WHEN rg.rngcanonical <> 0 THEN 'canonical = ' || rg.rngcanonical::regproc::text END,"
                + "   CASE WHEN rg.rngsubdiff <> 0 THEN 'subtype_diff = ' || rg.rngsubdiff::regproc::text END,"
                + "   'multirange_type_name = ' || (SELECT quote_ident(mn.nspname) || '.' || quote_ident(mt.typname)"
                + "     FROM pg_type mt JOIN pg_namespace mn ON mn.oid = mt.typnamespace WHERE mt.oid = rg.rngmultitypid))"
                + "   FROM pg_range rg WHERE rg.rngtypid = t.oid)"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " LEFT JOIN pg_class tc ON tc.oid = t.typrelid"
                + " WHERE t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR tc.relkind = 'c') AND " + USER_NS
                + " AND " + notExt("pg_type", "t.oid") + " ORDER BY t.oid";
        for (Object[] r : rows(base, 13)) {
            String schema = s(r[1]);
            String name = qn(schema, s(r[2]));
            String type = s(r[3]);
            List<String> create = new ArrayList<>();
            String drop = "DROP TYPE IF EXISTS " + name;
            switch (type) {
                case "e" -> create.add("CREATE TYPE " + name + " AS ENUM (" + String.join(", ",
                        strings(r[5]).stream().map(PgObjectReader::lit).toList()) + ")");
                case "d" -> {
                    StringBuilder sb = new StringBuilder("CREATE DOMAIN " + name + " AS " + s(r[6]));
                    if (r[10] != null) {
                        sb.append(" COLLATE ").append(s(r[10]));
                    }
                    if (r[8] != null) {
                        sb.append(" DEFAULT ").append(s(r[8]));
                    }
                    if (Boolean.TRUE.equals(r[7])) {
                        sb.append(" NOT NULL");
                    }
                    for (String check : strings(r[9])) {
                        sb.append(' ').append(check);
                    }
                    create.add(sb.toString());
                    drop = "DROP DOMAIN IF EXISTS " + name;
                }
                case "c" -> create.add("CREATE TYPE " + name + " AS (" + String.join(", ", strings(r[11])) + ")");
                default -> create.add("CREATE TYPE " + name + " AS RANGE (" + s(r[12]) + ")");
            }
            create.addAll(owner(type.equals("d") ? "DOMAIN" : "TYPE", name, s(r[4]), "type " + name));
            add("pg_type", l(r[0]), new DbObject("type", schema, s(r[2]), null, create, drop, List.of(), Phase.PRE_DATA));
        }
        // sub-objects resolve to their type: domain constraints, array types, composite types' relations
        for (Object[] r : rows("""
                SELECT 'pg_constraint:' || con.oid, 'pg_type:' || con.contypid FROM pg_constraint con
                WHERE con.contypid <> 0 UNION ALL SELECT 'pg_type:' || t.typarray, 'pg_type:' || t.oid FROM pg_type t
                WHERE t.typarray <> 0 AND t.oid%s
                UNION ALL SELECT 'pg_class:' || t.typrelid,
                'pg_type:' || t.oid FROM pg_type t JOIN pg_class tc ON tc.oid = t.typrelid AND tc.relkind = 'c'
                UNION ALL SELECT 'pg_type:' || rg.rngmultitypid, 'pg_type:' || rg.rngtypid FROM pg_range rg
                WHERE rg.rngtypid%s""".formatted(USER_OID, USER_OID), 2)) {
            alias(s(r[0]), s(r[1]));
        }
    }

    private final Map<String, String> aliases = new HashMap<>();

    private void alias(String sub, String owner) {
        aliases.put(sub, owner);
    }

    private static List<String> strings(Object array) throws SQLException {
        List<String> out = new ArrayList<>();
        if (array instanceof Array a) {
            for (Object o : (Object[]) a.getArray()) {
                out.add((String) o);
            }
        }
        return out;
    }

    private static String kindWord(String prokind) {
        return switch (prokind) {
            case "p" -> "PROCEDURE";
            case "a" -> "AGGREGATE";
            default -> "FUNCTION";
        };
    }

    private void readFunctions() throws SQLException {
        for (Object[] r : rows("""
                SELECT p.oid, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                p.prokind, pg_get_functiondef(p.oid), pg_get_userbyid(p.proowner)
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.prokind IN ('f', 'p', 'w') AND %s
                AND %s
                ORDER BY p.oid""".formatted(USER_NS, notExt("pg_proc", "p.oid")), 7)) {
            String schema = s(r[1]);
            String signature = qn(schema, s(r[2])) + "(" + s(r[3]) + ")";
            String word = kindWord(s(r[4]));
            List<String> create = new ArrayList<>(List.of(s(r[5]).strip()));
            create.addAll(owner(word, signature, s(r[6]), word.toLowerCase() + " " + signature));
            add("pg_proc", l(r[0]), new DbObject("function", schema, s(r[2]) + "(" + s(r[3]) + ")", null, create,
                    "DROP " + word + " IF EXISTS " + signature, List.of(), Phase.PRE_DATA));
        }
    }

    private void readAggregates() throws SQLException {
        for (Object[] r : rows("""
                SELECT p.oid, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                pg_get_function_arguments(p.oid), pg_get_userbyid(p.proowner), concat_ws(', ',
                'SFUNC = ' || a.aggtransfn::regproc::text, 'STYPE = ' || format_type(a.aggtranstype, NULL),
                CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END,
                CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || a.aggfinalfn::regproc::text END,
                CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
                CASE WHEN a.aggfinalfn <> 0 AND a.aggfinalmodify <> (CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END)
                  THEN 'FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE'
                  ELSE 'READ_WRITE' END END,
                CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::regproc::text END,
                CASE WHEN a.aggserialfn <> 0 THEN 'SERIALFUNC = ' || a.aggserialfn::regproc::text END,
                CASE WHEN a.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || a.aggdeserialfn::regproc::text END,
                CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' || quote_literal(a.agginitval) END,
                CASE WHEN a.aggmtransfn <> 0 THEN 'MSFUNC = ' || a.aggmtransfn::regproc::text || ', MINVFUNC = '
                  || a.aggminvtransfn::regproc::text || ', MSTYPE = ' || format_type(a.aggmtranstype, NULL) END,
                CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC = ' || a.aggmfinalfn::regproc::text END,
                CASE WHEN a.aggminitval IS NOT NULL THEN 'MINITCOND = ' || quote_literal(a.aggminitval) END,
                CASE WHEN a.aggsortop <> 0 THEN 'SORTOP = OPERATOR(' || a.aggsortop::regoperator::text END,
                CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END,
                CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END)
                FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE %s
                AND %s
                ORDER BY p.oid""".formatted(USER_NS, notExt("pg_proc", "p.oid")), 7)) {
            String schema = s(r[1]);
            String signature = qn(schema, s(r[2])) + "(" + (s(r[3]).isEmpty() ? "*" : s(r[3])) + ")";
            String opts = s(r[6]).replaceAll("SORTOP = OPERATOR\\(([^(]+)\\(.*?\\)", "SORTOP = OPERATOR($1)");
            List<String> create = new ArrayList<>(List.of("CREATE AGGREGATE " + qn(schema, s(r[2])) + "("
                    + (s(r[4]).isEmpty() ? "*" : s(r[4])) + ") (" + opts + ")"));
            create.addAll(owner("AGGREGATE", signature, s(r[5]), "aggregate " + signature));
            add("pg_proc", l(r[0]), new DbObject("function", schema, s(r[2]) + "(" + s(r[3]) + ")", null, create,
                    "DROP AGGREGATE IF EXISTS " + signature, List.of(), Phase.PRE_DATA));
        }
    }

    private void readOperators() throws SQLException {
        for (Object[] r : rows("""
                SELECT o.oid, n.nspname, o.oprname, format_type(o.oprleft, NULL),
                format_type(o.oprright, NULL), pg_get_userbyid(o.oprowner), concat_ws(', ',
                'FUNCTION = ' || o.oprcode::regproc::text,
                CASE WHEN o.oprleft <> 0 THEN 'LEFTARG = ' || format_type(o.oprleft, NULL) END,
                CASE WHEN o.oprright <> 0 THEN 'RIGHTARG = ' || format_type(o.oprright, NULL) END,
                CASE WHEN o.oprcom <> 0 THEN 'COMMUTATOR = OPERATOR(' || cn.nspname || '.' || co.oprname || ')' END,
                CASE WHEN o.oprnegate <> 0 THEN 'NEGATOR = OPERATOR(' || nn.nspname || '.' || ng.oprname || ')' END,
                CASE WHEN o.oprrest <> 0 THEN 'RESTRICT = ' || o.oprrest::regproc::text END,
                CASE WHEN o.oprjoin <> 0 THEN 'JOIN = ' || o.oprjoin::regproc::text END,
                CASE WHEN o.oprcanhash THEN 'HASHES' END, CASE WHEN o.oprcanmerge THEN 'MERGES' END)
                FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
                LEFT JOIN pg_operator co ON co.oid = o.oprcom LEFT JOIN pg_namespace cn ON cn.oid = co.oprnamespace
                LEFT JOIN pg_operator ng ON ng.oid = o.oprnegate LEFT JOIN pg_namespace nn ON nn.oid = ng.oprnamespace
                WHERE %s
                AND %s
                ORDER BY o.oid""".formatted(USER_NS, notExt("pg_operator", "o.oid")), 7)) {
            String schema = s(r[1]);
            String args = "(" + (r[3] == null || s(r[3]).equals("-") ? "NONE" : s(r[3])) + ", " + s(r[4]) + ")";
            String name = q(schema) + "." + s(r[2]);
            List<String> create = new ArrayList<>(List.of("CREATE OPERATOR " + name + " (" + s(r[6]) + ")"));
            create.addAll(owner("OPERATOR", name + " " + args, s(r[5]), "operator " + name));
            add("pg_operator", l(r[0]), new DbObject("operator", schema, s(r[2]) + args, null, create,
                    "DROP OPERATOR IF EXISTS " + name + " " + args, List.of(), Phase.PRE_DATA));
        }
    }

    private void readCasts() throws SQLException {
        for (Object[] r : rows("""
                SELECT ca.oid, format_type(ca.castsource, NULL), format_type(ca.casttarget, NULL),
                CASE ca.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || ca.castfunc::regprocedure::text
                  WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END
                || CASE ca.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END
                FROM pg_cast ca WHERE ca.oid%s
                AND %s
                ORDER BY ca.oid""".formatted(USER_OID, notExt("pg_cast", "ca.oid")), 4)) {
            String pair = "(" + s(r[1]) + " AS " + s(r[2]) + ")";
            add("pg_cast", l(r[0]), new DbObject("cast", "", pair, null, List.of("CREATE CAST " + pair + " " + s(r[3])),
                    "DROP CAST IF EXISTS " + pair, List.of(), Phase.PRE_DATA));
        }
    }

    private void readViews() throws SQLException {
        for (Object[] r : rows("""
                SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid),
                array_to_string(c.reloptions, ', '), c.relispopulated, pg_get_userbyid(c.relowner),
                (SELECT string_agg('ALTER VIEW ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
                  || ' ALTER COLUMN ' || quote_ident(a.attname) || ' SET DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), ';'
                  ORDER BY a.attnum) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid
                  AND a.attnum = d.adnum WHERE d.adrelid = c.oid)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND %s
                AND %s
                ORDER BY c.oid""".formatted(USER_NS, notExt("pg_class", "c.oid")), 9)) {
            String schema = s(r[1]);
            String name = qn(schema, s(r[2]));
            String def = s(r[4]).strip();
            if (def.endsWith(";")) {
                def = def.substring(0, def.length() - 1);
            }
            String with = r[5] == null || s(r[5]).isEmpty() ? "" : " WITH (" + s(r[5]) + ")";
            boolean mat = "m".equals(s(r[3]));
            List<String> create = new ArrayList<>();
            if (mat) {
                create.add("CREATE MATERIALIZED VIEW " + name + with + " AS " + def + " WITH NO DATA");
            } else {
                create.add("CREATE VIEW " + name + with + " AS " + def);
                if (r[8] != null) {
                    create.addAll(List.of(s(r[8]).split(";")));
                }
            }
            create.addAll(owner(mat ? "MATERIALIZED VIEW" : "VIEW", name, s(r[7]), "view " + name));
            String kind = mat ? "materialized view" : "view";
            add("pg_class", l(r[0]), new DbObject(kind, schema, s(r[2]), null, create,
                    "DROP " + kind.toUpperCase() + " IF EXISTS " + name, List.of(), Phase.PRE_DATA));
            if (mat && Boolean.TRUE.equals(r[6])) {
                objects.add(new DbObject("materialized view data", schema, s(r[2]), null,
                        List.of("REFRESH MATERIALIZED VIEW " + name), null, List.of(kind + " " + schema + "." + s(r[2])),
                        Phase.POST_DATA));
            }
        }
        for (Object[] r : rows("SELECT 'pg_rewrite:' || rw.oid, 'pg_class:' || rw.ev_class FROM pg_rewrite rw"
                + " WHERE rw.rulename = '_RETURN' AND rw.ev_class" + USER_OID, 2)) {
            alias(s(r[0]), s(r[1]));
        }
    }

    private void readMatviewIndexes() throws SQLException {
        for (Object[] r : rows("SELECT ic.oid, n.nspname, ic.relname, pg_get_indexdef(i.indexrelid), tc.relname"
                + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE tc.relkind = 'm' AND " + USER_NS
                + " ORDER BY ic.oid", 5)) {
            String schema = s(r[1]);
            add(null, l(r[0]), new DbObject("index", schema, s(r[2]), null, List.of(s(r[3])),
                    "DROP INDEX IF EXISTS " + qn(schema, s(r[2])), List.of("materialized view " + schema + "." + s(r[4])),
                    Phase.POST_DATA));
        }
    }

    /** Tables as their key and quoted name, by oid (for the objects that belong to one). */
    private static final String TABLE_OF = " JOIN pg_class tc ON tc.oid = %s JOIN pg_namespace n ON n.oid = tc.relnamespace";

    private void readTriggers() throws SQLException {
        for (Object[] r : rows("SELECT t.oid, n.nspname, tc.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled"
                + " FROM pg_trigger t" + TABLE_OF.formatted("t.tgrelid") + " WHERE NOT t.tgisinternal"
                + " AND t.tgparentid = 0 AND " + USER_NS + " AND " + notExt("pg_class", "tc.oid") + " ORDER BY t.oid", 6)) {
            String table = qn(s(r[1]), s(r[2]));
            List<String> create = new ArrayList<>(List.of(s(r[4])));
            String enabled = s(r[5]);
            String alter = switch (enabled) {
                case "D" -> "DISABLE TRIGGER ";
                case "R" -> "ENABLE REPLICA TRIGGER ";
                case "A" -> "ENABLE ALWAYS TRIGGER ";
                default -> null;
            };
            if (alter != null) {
                create.add("ALTER TABLE " + table + " " + alter + q(s(r[3])));
            }
            add("pg_trigger", l(r[0]), new DbObject("trigger", s(r[1]), s(r[3]) + " on " + s(r[2]),
                    s(r[1]) + "." + s(r[2]), create, "DROP TRIGGER IF EXISTS " + q(s(r[3])) + " ON " + table,
                    List.of(), Phase.POST_DATA));
        }
    }

    private void readRules() throws SQLException {
        for (Object[] r : rows("SELECT rw.oid, n.nspname, tc.relname, rw.rulename, pg_get_ruledef(rw.oid), rw.ev_enabled"
                + " FROM pg_rewrite rw" + TABLE_OF.formatted("rw.ev_class") + " WHERE rw.rulename <> '_RETURN' AND "
                + USER_NS + " AND " + notExt("pg_class", "tc.oid") + " ORDER BY rw.oid", 6)) {
            String table = qn(s(r[1]), s(r[2]));
            List<String> create = new ArrayList<>(List.of(s(r[4]).strip().replaceAll(";$", "")));
            if ("D".equals(s(r[5]))) {
                create.add("ALTER TABLE " + table + " DISABLE RULE " + q(s(r[3])));
            }
            add("pg_rewrite", l(r[0]), new DbObject("rule", s(r[1]), s(r[3]) + " on " + s(r[2]),
                    s(r[1]) + "." + s(r[2]), create, "DROP RULE IF EXISTS " + q(s(r[3])) + " ON " + table,
                    List.of(), Phase.POST_DATA));
        }
        for (Object[] r : rows("SELECT tc.oid, n.nspname, tc.relname, tc.relrowsecurity, tc.relforcerowsecurity"
                + " FROM pg_class tc JOIN pg_namespace n ON n.oid = tc.relnamespace WHERE (tc.relrowsecurity OR"
                + " tc.relforcerowsecurity) AND " + USER_NS + " ORDER BY tc.oid", 5)) {
            String table = qn(s(r[1]), s(r[2]));
            List<String> create = new ArrayList<>();
            if (Boolean.TRUE.equals(r[3])) {
                create.add("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
            }
            if (Boolean.TRUE.equals(r[4])) {
                create.add("ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY");
            }
            objects.add(new DbObject("row level security", s(r[1]), s(r[2]), s(r[1]) + "." + s(r[2]), create, null,
                    List.of(), Phase.POST_DATA));
        }
    }

    private void readPolicies() throws SQLException {
        for (Object[] r : rows("SELECT p.oid, n.nspname, tc.relname, p.polname, p.polpermissive, p.polcmd,"
                + " ARRAY(SELECT CASE WHEN ro = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(ro)) END"
                + "   FROM unnest(p.polroles) ro), pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)"
                + " FROM pg_policy p" + TABLE_OF.formatted("p.polrelid") + " WHERE " + USER_NS + " ORDER BY p.oid", 9)) {
            String table = qn(s(r[1]), s(r[2]));
            StringBuilder sb = new StringBuilder("CREATE POLICY " + q(s(r[3])) + " ON " + table);
            if (Boolean.FALSE.equals(r[4])) {
                sb.append(" AS RESTRICTIVE");
            }
            sb.append(" FOR ").append(switch (s(r[5])) {
                case "r" -> "SELECT";
                case "a" -> "INSERT";
                case "w" -> "UPDATE";
                case "d" -> "DELETE";
                default -> "ALL";
            });
            List<String> polRoles = strings(r[6]);
            for (String role : polRoles) {
                if (!role.equals("PUBLIC")) {
                    useRole(role.replace("\"", ""), "policy " + s(r[3]) + " on " + table);
                }
            }
            sb.append(" TO ").append(String.join(", ", polRoles));
            if (r[7] != null) {
                sb.append(" USING (").append(s(r[7])).append(')');
            }
            if (r[8] != null) {
                sb.append(" WITH CHECK (").append(s(r[8])).append(')');
            }
            add("pg_policy", l(r[0]), new DbObject("policy", s(r[1]), s(r[3]) + " on " + s(r[2]),
                    s(r[1]) + "." + s(r[2]), List.of(sb.toString()),
                    "DROP POLICY IF EXISTS " + q(s(r[3])) + " ON " + table, List.of(), Phase.POST_DATA));
        }
    }

    private void readStatistics() throws SQLException {
        for (Object[] r : rows("SELECT se.oid, n.nspname, se.stxname, pg_get_statisticsobjdef(se.oid), tn.nspname,"
                + " tc.relname, se.stxstattarget FROM pg_statistic_ext se JOIN pg_namespace n ON n.oid = se.stxnamespace"
                + " JOIN pg_class tc ON tc.oid = se.stxrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace WHERE "
                + USER_NS + " ORDER BY se.oid", 7)) {
            String name = qn(s(r[1]), s(r[2]));
            List<String> create = new ArrayList<>(List.of(s(r[3])));
            if (r[6] != null && ((Number) r[6]).intValue() >= 0) {
                create.add("ALTER STATISTICS " + name + " SET STATISTICS " + r[6]);
            }
            objects.add(new DbObject("statistics", s(r[1]), s(r[2]), s(r[4]) + "." + s(r[5]), create,
                    "DROP STATISTICS IF EXISTS " + name, List.of(), Phase.POST_DATA));
        }
    }

    /** Sequences owned by a column they are not the serial/identity sequence of ({@code ALTER SEQUENCE ... OWNED BY}). */
    private void readOwnedSequences() throws SQLException {
        for (Object[] r : rows("""
                SELECT n.nspname, s.relname, tn.nspname, tc.relname, a.attname FROM pg_class s
                JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_depend d ON d.classid = 'pg_class'::regclass
                AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
                JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
                JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = d.refobjsubid
                WHERE s.relkind = 'S' AND %s
                AND NOT %s
                ORDER BY s.oid""".formatted(USER_NS, PgCatalogReader.SERIAL_SEQUENCE), 5)) {
            objects.add(new DbObject("sequence owner", s(r[0]), s(r[1]), s(r[2]) + "." + s(r[3]),
                    List.of("ALTER SEQUENCE " + qn(s(r[0]), s(r[1])) + " OWNED BY " + qn(s(r[2]), s(r[3])) + "."
                            + q(s(r[4]))), null, List.of(), Phase.POST_DATA));
        }
    }

    private void readComments() throws SQLException {
        for (Object[] r : rows("""
                SELECT o.type, o.identity, d.description,
                CASE WHEN d.classoid = 'pg_class'::regclass AND tc.relkind IN ('r', 'p') THEN tn.nspname || '.' || tc.relname
                  WHEN d.classoid = 'pg_class'::regclass AND tc.relkind = 'i' THEN (SELECT xn.nspname || '.' || xc.relname
                    FROM pg_index i JOIN pg_class xc ON xc.oid = i.indrelid JOIN pg_namespace xn ON xn.oid = xc.relnamespace
                    WHERE i.indexrelid = d.objoid AND xc.relkind IN ('r', 'p'))
                  WHEN d.classoid = 'pg_constraint'::regclass THEN (SELECT xn.nspname || '.' || xc.relname FROM pg_constraint x
                    JOIN pg_class xc ON xc.oid = x.conrelid JOIN pg_namespace xn ON xn.oid = xc.relnamespace WHERE x.oid = d.objoid)
                  WHEN d.classoid = 'pg_trigger'::regclass THEN (SELECT xn.nspname || '.' || xc.relname FROM pg_trigger x
                    JOIN pg_class xc ON xc.oid = x.tgrelid JOIN pg_namespace xn ON xn.oid = xc.relnamespace WHERE x.oid = d.objoid)
                  WHEN d.classoid = 'pg_policy'::regclass THEN (SELECT xn.nspname || '.' || xc.relname FROM pg_policy x
                    JOIN pg_class xc ON xc.oid = x.polrelid JOIN pg_namespace xn ON xn.oid = xc.relnamespace WHERE x.oid = d.objoid)
                  WHEN d.classoid = 'pg_rewrite'::regclass THEN (SELECT xn.nspname || '.' || xc.relname FROM pg_rewrite x
                    JOIN pg_class xc ON xc.oid = x.ev_class JOIN pg_namespace xn ON xn.oid = xc.relnamespace
                    WHERE x.oid = d.objoid AND xc.relkind IN ('r', 'p'))
                  END, o.schema
                FROM pg_description d CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
                LEFT JOIN pg_class tc ON d.classoid = 'pg_class'::regclass AND tc.oid = d.objoid
                LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
                WHERE d.objoid%s
                AND (o.schema IS NULL OR %s)
                AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid
                  AND e.deptype = 'e')
                AND NOT (d.classoid = 'pg_class'::regclass AND EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = d.objoid AND e.deptype = 'e'))
                ORDER BY 1, 2""".formatted(USER_OID, PgCatalogReader.userSchema("o.schema")), 5)) {
            String type = s(r[0]);
            String identity = s(r[1]);
            String target = switch (type) {
                case "table column" -> "COLUMN " + identity;
                case "table constraint" -> "CONSTRAINT " + identity.replaceFirst(" on ", " ON ");
                case "domain constraint" -> "CONSTRAINT " + identity.replaceFirst(" on ", " ON DOMAIN ");
                case "trigger", "policy", "rule" -> type.toUpperCase() + " " + identity.replaceFirst(" on ", " ON ");
                case "operator" -> "OPERATOR " + identity.replaceFirst("\\(", " (");
                case "cast" -> "CAST " + identity;
                default -> type.toUpperCase() + " " + identity;
            };
            objects.add(new DbObject("comment", s(r[4]), type + " " + identity, s(r[3]),
                    List.of("COMMENT ON " + target + " IS " + lit(s(r[2]))), null, List.of(), Phase.POST_DATA));
        }
    }

    private void readGrants() throws SQLException {
        String acl = "SELECT %s, %s, %s, pg_get_userbyid(%s), ARRAY(SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE"
                + " pg_get_userbyid(x.grantee) END || '|' || x.privilege_type || '|' || x.is_grantable FROM aclexplode(%s) x),"
                + " %s FROM %s WHERE %s IS NOT NULL AND %s";
        List<Object[]> all = new ArrayList<>();
        all.addAll(rows(acl.formatted("CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END",
                "quote_ident(n.nspname) || '.' || quote_ident(c.relname)", "NULL::text", "c.relowner", "c.relacl",
                "CASE WHEN c.relkind IN ('r', 'p') THEN n.nspname || '.' || c.relname END",
                "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace", "c.relacl",
                USER_NS + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + notExt("pg_class", "c.oid")), 6));
        all.addAll(rows(acl.formatted("'TABLE'", "quote_ident(n.nspname) || '.' || quote_ident(c.relname)",
                "quote_ident(a.attname)", "c.relowner", "a.attacl", "n.nspname || '.' || c.relname",
                "pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace",
                "a.attacl", USER_NS + " AND NOT a.attisdropped"), 6));
        all.addAll(rows(acl.formatted("'SCHEMA'", "quote_ident(n.nspname)", "NULL::text", "n.nspowner", "n.nspacl",
                "NULL::text", "pg_namespace n", "n.nspacl", "(" + USER_NS + " OR n.nspname = 'public')"), 6));
        all.addAll(rows(acl.formatted("CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END",
                "quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'",
                "NULL::text", "p.proowner", "p.proacl", "NULL::text",
                "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace", "p.proacl",
                USER_NS + " AND " + notExt("pg_proc", "p.oid")), 6));
        all.addAll(rows(acl.formatted("CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END",
                "quote_ident(n.nspname) || '.' || quote_ident(t.typname)", "NULL::text", "t.typowner", "t.typacl",
                "NULL::text", "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace", "t.typacl",
                USER_NS + " AND " + notExt("pg_type", "t.oid")), 6));
        all.addAll(rows(acl.formatted("'LARGE OBJECT'", "l.oid::text", "NULL::text", "l.lomowner", "l.lomacl",
                "NULL::text", "pg_largeobject_metadata l", "l.lomacl", "true"), 6));
        for (Object[] r : all) {
            String kind = s(r[0]);
            String object = s(r[1]);
            String column = s(r[2]);
            String ownerRole = s(r[3]);
            String on = kind + " " + object;
            String cols = column == null ? "" : " (" + column + ")";
            List<String> create = new ArrayList<>();
            if (column == null) {
                create.add("REVOKE ALL ON " + on + " FROM PUBLIC");
                create.add("REVOKE ALL ON " + on + " FROM " + q(ownerRole));
            }
            for (String item : strings(r[4])) {
                String[] parts = item.split("\\|", -1);
                String grantee = parts[0].equals("PUBLIC") ? "PUBLIC" : q(parts[0]);
                if (!parts[0].equals("PUBLIC")) {
                    useRole(parts[0], "granted " + parts[1] + " on " + on.toLowerCase(Locale.ROOT));
                }
                create.add("GRANT " + parts[1] + cols + " ON " + on + " TO " + grantee
                        + ("true".equals(parts[2]) ? " WITH GRANT OPTION" : ""));
            }
            objects.add(new DbObject("grant", "", on + cols, s(r[5]), create, null, List.of(), Phase.POST_DATA));
        }
    }

    /** The roles the captured objects name (owners, grantees, policy roles), each with what uses it. */
    List<String> outsideBackup() throws SQLException {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : roleUses.entrySet()) {
            out.add("role " + e.getKey() + ": " + String.join(", ", e.getValue()));
        }
        for (Object[] r : rows("SELECT sp.spcname, string_agg(n.nspname || '.' || c.relname, ', ' ORDER BY 1)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_tablespace sp"
                + " ON sp.oid = c.reltablespace WHERE " + USER_NS + " GROUP BY sp.spcname ORDER BY 1", 2)) {
            out.add("tablespace " + s(r[0]) + ": holds " + s(r[1]));
        }
        for (Object[] r : rows("SELECT evtname, evtevent, evtfoid::regproc::text FROM pg_event_trigger ORDER BY 1", 3)) {
            out.add("event trigger " + s(r[0]) + " (on " + s(r[1]) + ", runs " + s(r[2])
                    + "): event triggers need a superuser to create, re-create it on the target server");
        }
        return out;
    }

    /** Objects of kinds this reader does not capture; each fails the backup unless it is allowed to be incomplete. */
    List<String> notCaptured() throws SQLException {
        List<String> out = new ArrayList<>();
        String[][] kinds = {
                {"foreign table", "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                        + " c.relnamespace WHERE c.relkind = 'f' AND " + USER_NS + " AND " + notExt("pg_class", "c.oid")},
                {"foreign server", "SELECT srvname FROM pg_foreign_server s WHERE " + notExt("pg_foreign_server", "s.oid")},
                {"foreign-data wrapper", "SELECT fdwname FROM pg_foreign_data_wrapper w WHERE "
                        + notExt("pg_foreign_data_wrapper", "w.oid")},
                {"text search configuration", "SELECT n.nspname || '.' || cfgname FROM pg_ts_config t JOIN pg_namespace n"
                        + " ON n.oid = t.cfgnamespace WHERE " + USER_NS + " AND " + notExt("pg_ts_config", "t.oid")},
                {"text search dictionary", "SELECT n.nspname || '.' || dictname FROM pg_ts_dict t JOIN pg_namespace n"
                        + " ON n.oid = t.dictnamespace WHERE " + USER_NS + " AND " + notExt("pg_ts_dict", "t.oid")},
                {"publication", "SELECT pubname FROM pg_publication"},
                {"operator class", "SELECT n.nspname || '.' || opcname FROM pg_opclass o JOIN pg_namespace n"
                        + " ON n.oid = o.opcnamespace WHERE " + USER_NS + " AND " + notExt("pg_opclass", "o.oid")},
                {"operator family", "SELECT n.nspname || '.' || opfname FROM pg_opfamily o JOIN pg_namespace n"
                        + " ON n.oid = o.opfnamespace WHERE " + USER_NS + " AND " + notExt("pg_opfamily", "o.oid")},
                {"conversion", "SELECT n.nspname || '.' || conname FROM pg_conversion o JOIN pg_namespace n"
                        + " ON n.oid = o.connamespace WHERE " + USER_NS + " AND " + notExt("pg_conversion", "o.oid")},
                {"language", "SELECT lanname FROM pg_language l WHERE l.oid" + USER_OID + " AND "
                        + notExt("pg_language", "l.oid")},
                {"base type", "SELECT n.nspname || '.' || typname FROM pg_type t JOIN pg_namespace n ON n.oid ="
                        + " t.typnamespace WHERE t.typtype = 'b' AND t.typelem = 0 AND t.oid" + USER_OID + " AND " + USER_NS
                        + " AND " + notExt("pg_type", "t.oid") + " AND NOT EXISTS (SELECT 1 FROM pg_range r"
                        + " WHERE r.rngmultitypid = t.oid)"},
                {"transform", "SELECT format_type(trftype, NULL) FROM pg_transform t WHERE " + notExt("pg_transform", "t.oid")},
                {"access method", "SELECT amname FROM pg_am a WHERE a.oid" + USER_OID + " AND " + notExt("pg_am", "a.oid")},
        };
        for (String[] k : kinds) {
            for (Object[] r : rows(k[1] + " ORDER BY 1", 1)) {
                out.add(k[0] + " " + s(r[0]) + ": not captured by the builtin dumper (use the pg_dump dumper)");
            }
        }
        return out;
    }

    /**
     * The dependencies from {@code pg_depend} between the captured objects and tables: returns, per node key, the
     * keys it needs first. Sub-objects (column defaults, constraints, a table's indexes, a view's rewrite rule, array
     * and row types) count as their owner.
     */
    Map<String, Set<String>> dependencies() throws SQLException {
        for (Object[] r : rows("SELECT 'pg_attrdef:' || d.oid, 'pg_class:' || d.adrelid FROM pg_attrdef d"
                + " WHERE d.adrelid" + USER_OID + " UNION ALL SELECT 'pg_constraint:' || con.oid, 'pg_class:' || con.conrelid"
                + " FROM pg_constraint con WHERE con.conrelid <> 0 AND con.contype IN ('c', 'n', 'p', 'u', 'x')"
                // a table's indexes need their operator classes and functions (btree_gist, an expression's function)
                + " UNION ALL SELECT 'pg_class:' || i.indexrelid, 'pg_class:' || i.indrelid FROM pg_index i"
                + " JOIN pg_class ic ON ic.oid = i.indrelid AND ic.relkind IN ('r', 'p') WHERE i.indrelid" + USER_OID
                + " UNION ALL SELECT 'pg_type:' || t.oid, 'pg_class:' || t.typrelid FROM pg_type t JOIN pg_class tc"
                + " ON tc.oid = t.typrelid AND tc.relkind IN ('r', 'p', 'v', 'm') WHERE t.oid" + USER_OID
                + " UNION ALL SELECT 'pg_type:' || t.typarray, 'pg_class:' || t.typrelid FROM pg_type t JOIN pg_class tc"
                + " ON tc.oid = t.typrelid AND tc.relkind IN ('r', 'p', 'v', 'm') WHERE t.oid" + USER_OID, 2)) {
            alias(s(r[0]), s(r[1]));
        }
        for (Object[] r : rows("SELECT d.classid::regclass::text || ':' || d.objid, 'pg_extension:' || d.refobjid"
                + " FROM pg_depend d WHERE d.deptype = 'e'", 2)) {
            alias(s(r[0]), s(r[1])); // an extension's member objects count as the extension
        }
        Map<String, Set<String>> out = new HashMap<>();
        for (Object[] r : rows("""
                SELECT DISTINCT d.classid::regclass::text || ':' || d.objid,
                d.refclassid::regclass::text || ':' || d.refobjid FROM pg_depend d
                WHERE d.deptype IN ('n', 'a') AND d.objid%s
                AND d.refobjid%s
                UNION SELECT 'pg_class:' || i.inhrelid, 'pg_class:' || i.inhparent FROM pg_inherits i
                JOIN pg_class ic ON ic.oid = i.inhrelid AND ic.relkind IN ('r', 'p')"""
                        .formatted(USER_OID, USER_OID), 2)) {
            String from = resolve(s(r[0]));
            String to = resolve(s(r[1]));
            if (from != null && to != null && !from.equals(to)) {
                out.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
            }
        }
        return out;
    }

    private String resolve(String ref) {
        String r = ref;
        for (int i = 0; i < 3 && aliases.containsKey(r); i++) {
            r = aliases.get(r);
        }
        return nodes.get(r);
    }

    /** Minimal JSON object reader for {@code to_jsonb(row)} text (flat objects of strings, numbers, booleans, null). */
    static final class Json {
        private Json() {
        }

        static Map<String, Object> object(String json) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
                return m;
            } catch (IOException e) {
                throw new IllegalStateException("unreadable catalog row " + json, e);
            }
        }
    }
}
