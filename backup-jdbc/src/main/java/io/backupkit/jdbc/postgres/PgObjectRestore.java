package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.RestorePlan;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.TablePlan;
import io.backupkit.jdbc.internal.SchemaModel.DbObject;
import io.backupkit.jdbc.internal.SchemaModel.Phase;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.sql.Array;
import java.util.Collection;
import java.util.Collections;
import java.util.TreeSet;

/**
 * Restores the PostgreSQL {@link DbObject}s of a backup around its tables, in the order their {@code pg_depend}
 * dependencies give (a topological sort; ties keep the catalog order), never a fixed list of kinds.
 *
 * <ul>
 *   <li><b>Which objects</b>: a full restore takes all; a selective one ({@code tables}) takes the objects that
 *       belong to or depend on selected tables only, and creates the table-independent ones (types, functions,
 *       ...) only where the target lacks them, leaving those other tables use alone.</li>
 *   <li><b>REPLACE</b> drops the backup's objects the target has (last dependent first, no CASCADE, so an object
 *       of the target outside the backup that needs one fails the restore instead of vanishing) after the tables,
 *       then creates the pre-data objects interleaved with the tables, functions with
 *       {@code check_function_bodies = off} as pg_dump does; after the rows: triggers, rules, policies, indexes of
 *       materialized views, their refresh, comments, ownership and grants.</li>
 *   <li><b>Foreign keys from outside</b>: a selective REPLACE drops the restored tables with CASCADE; the foreign
 *       keys other tables had on them are re-created in the same transaction and validated, so rows that would be
 *       orphaned fail the restore (rolled back) with the constraint and a sample row.</li>
 *   <li><b>Roles</b>: ownership and grants naming a role the target cluster lacks are skipped and logged, as are
 *       all of them with {@code restoreOwners(false)} / {@code restorePrivileges(false)}.</li>
 * </ul>
 */
final class PgObjectRestore {
    private static final Logger LOG = LoggerFactory.getLogger(PgObjectRestore.class);
    private static final Pattern ROLE_AT_END = Pattern.compile("(?:OWNER TO|TO|FROM) (\"(?:[^\"]|\"\")+\"|[^\\s\"]+)"
            + "(?: WITH GRANT OPTION)?$");

    private final PostgresDialect dialect;
    private final PostgresSupport support;
    private final boolean owners;
    private final boolean privileges;

    public PgObjectRestore(PostgresDialect dialect, PostgresSupport support, boolean owners, boolean privileges) {
        this.dialect = dialect;
        this.support = support;
        this.owners = owners;
        this.privileges = privileges;
    }

    /** One thing to create: an object or a table of the plan. */
    private record Node(String key, DbObject object, TablePlan table, List<String> dependsOn) {
    }

    /** Backup schema to target schema of the plan's tables (identity where not remapped). */
    static Map<String, String> schemaMap(RestorePlan plan) {
        Map<String, String> map = new LinkedHashMap<>();
        for (TablePlan tp : plan.tables()) {
            if (!tp.backup().schema().equals(tp.target().schema())) {
                map.put(tp.backup().schema(), tp.target().schema());
            }
        }
        return map;
    }

    private static boolean selectsAll(RestorePlan plan) {
        return plan.tables().size() == plan.model().tables().size();
    }

    /** The tables each object needs, transitively (its own table included). */
    private static Map<String, Set<String>> tablesNeeded(SchemaModel model) {
        Map<String, DbObject> byKey = new HashMap<>();
        model.objects().forEach(o -> byKey.putIfAbsent(o.key(), o));
        Set<String> tableKeys = new HashSet<>();
        model.tables().forEach(t -> tableKeys.add(PgObjectReader.tableKey(t.schema(), t.name())));
        Map<String, Set<String>> out = new HashMap<>();
        for (DbObject o : model.objects()) {
            Set<String> tables = new LinkedHashSet<>();
            if (o.table() != null) {
                tables.add("table " + o.table());
            }
            Set<String> seen = new HashSet<>();
            List<String> todo = new ArrayList<>(o.dependsOn());
            while (!todo.isEmpty()) {
                String k = todo.remove(todo.size() - 1);
                if (!seen.add(k)) {
                    continue;
                }
                if (tableKeys.contains(k)) {
                    tables.add(k);
                } else if (byKey.containsKey(k)) {
                    todo.addAll(byKey.get(k).dependsOn());
                }
            }
            out.put(o.key() + "\u0000" + o.create(), tables);
        }
        return out;
    }

    /**
     * The objects of the backup this restore brings, and whether each is created only where missing
     * (table-independent objects of a selective restore, and everything in MERGE).
     */
    private static Map<DbObject, Boolean> selected(RestorePlan plan) {
        Map<DbObject, Boolean> out = new LinkedHashMap<>();
        boolean all = selectsAll(plan);
        Set<String> restored = new HashSet<>();
        for (TablePlan tp : plan.tables()) {
            if (plan.mode() == RestoreMode.REPLACE || tp.existing() == null) {
                restored.add(PgObjectReader.tableKey(tp.backup().schema(), tp.backup().name()));
            }
        }
        Map<String, Set<String>> needs = tablesNeeded(plan.model());
        for (DbObject o : plan.model().objects()) {
            Set<String> tables = needs.get(o.key() + "\u0000" + o.create());
            if (plan.mode() == RestoreMode.DATA_ONLY) {
                continue;
            }
            if (plan.mode() == RestoreMode.REPLACE && all) {
                out.put(o, false);
            } else if (!tables.isEmpty()) {
                if (restored.containsAll(tables)) {
                    out.put(o, false);
                }
            } else if (o.phase() == Phase.PRE_DATA && (plan.mode() == RestoreMode.REPLACE || !restored.isEmpty())) {
                out.put(o, true); // types, functions ... the restored tables may need: only where missing
            }
        }
        return out;
    }

    /**
     * REPLACE: drops the backup's objects (after {@code dropReplacedObjects} dropped the tables); then, REPLACE and
     * MERGE: creates the pre-data objects and the given tables in dependency order.
     */
    public void createPreData(Connection c, RestorePlan plan, List<TablePlan> tables) throws SQLException {
        createPreData(c, plan, tables, Set.of());
    }

    /**
     * As {@link #createPreData(Connection, RestorePlan, List)}, leaving out {@code existing}: objects the target
     * already has exactly as the backup has them (the staged restore's prerequisites), neither dropped nor created.
     */
    void createPreData(Connection c, RestorePlan plan, List<TablePlan> tables, Set<DbObject> existing)
            throws SQLException {
        Map<DbObject, Boolean> objects = selected(plan);
        objects.keySet().removeAll(existing);
        Map<String, String> map = schemaMap(plan);
        if (plan.mode() == RestoreMode.REPLACE) {
            List<DbObject> order = new ArrayList<>(sort(nodes(objects.keySet(), List.of(), null)).stream()
                    .map(Node::object).toList());
            Collections.reverse(order);
            for (DbObject o : order) {
                if (o.drop() != null && !objects.get(o)) {
                    execute(c, support.rename(o.drop(), map), o);
                }
            }
        }
        JdbcSupport.execute(c, "SET LOCAL check_function_bodies = off");
        List<DbObject> pre = objects.keySet().stream().filter(o -> o.phase() == Phase.PRE_DATA).toList();
        for (Node n : sort(nodes(pre, tables, Phase.PRE_DATA))) {
            if (n.table() != null) {
                JdbcSupport.execute(c, dialect.createTable(n.table().target()));
            } else {
                create(c, n.object(), objects.get(n.object()), map);
            }
        }
        JdbcSupport.execute(c, "SET LOCAL check_function_bodies = on");
    }

    /** After the rows, keys and foreign keys: the post-data objects of the restored tables, in dependency order. */
    public void createPostData(Connection c, RestorePlan plan) throws SQLException {
        Map<DbObject, Boolean> objects = selected(plan);
        Map<String, String> map = schemaMap(plan);
        Set<String> roles = roles(c);
        List<DbObject> post = objects.keySet().stream().filter(o -> o.phase() == Phase.POST_DATA).toList();
        for (Node n : sort(nodes(post, List.of(), Phase.POST_DATA))) {
            DbObject o = n.object();
            if (o.kind().equals("grant") && !privileges) {
                continue;
            }
            List<String> statements = new ArrayList<>();
            for (String sql : o.create()) {
                if (sql.contains(" OWNER TO ") && !owners) {
                    continue;
                }
                String role = role(sql);
                if (role != null && !role.equals("PUBLIC") && !roles.contains(role)) {
                    LOG.warn("{} skipped: role {} does not exist in the target cluster (create it, or restore without"
                            + " owners/privileges)", sql, role);
                    continue;
                }
                statements.add(sql);
            }
            create(c, new DbObject(o.kind(), o.schema(), o.name(), o.table(), statements, o.drop(), o.dependsOn(),
                    o.phase()), objects.get(o), map);
        }
    }

    /** The objects in the order their dependencies give (ties in the given order). */
    static List<DbObject> dependencyOrder(Collection<DbObject> objects) {
        return sort(nodes(objects, List.of(), null)).stream().map(Node::object).toList();
    }

    /** Creates one pre-data object of the plan (owner statements filtered as for every other). */
    void createObject(Connection c, RestorePlan plan, DbObject o) throws SQLException {
        create(c, o, false, schemaMap(plan));
    }

    /** Owner statements of pre-data objects are filtered the same way (role missing, or owners not wanted). */
    private void create(Connection c, DbObject o, boolean onlyIfMissing, Map<String, String> map) throws SQLException {
        if (o.kind().equals("schema") && map.containsKey(o.name())) {
            JdbcSupport.execute(c, dialect.createSchemaIfMissing(map.get(o.name()))); // remapped: the target's name
            return;
        }
        Savepoint sp = onlyIfMissing ? c.setSavepoint() : null;
        try {
            for (String sql : o.create()) {
                if (sql.startsWith("ALTER ") && sql.contains(" OWNER TO ") && (!owners || !roleExists(c, role(sql)))) {
                    continue;
                }
                JdbcSupport.execute(c, support.rename(sql, map));
            }
            if (sp != null) {
                c.releaseSavepoint(sp);
            }
        } catch (SQLException e) {
            if (sp != null && e.getSQLState() != null && e.getSQLState().startsWith("42")
                    && (e.getSQLState().equals("42710") || e.getSQLState().equals("42723")
                    || e.getSQLState().startsWith("42P0"))) {
                c.rollback(sp); // already there: a selective restore leaves it as it is
                return;
            }
            throw new RestoreException("creating " + o.kind() + " " + (o.schema().isEmpty() ? "" : o.schema() + ".")
                    + o.name() + " failed: " + e.getMessage(), e);
        }
    }

    private static void execute(Connection c, String sql, DbObject o) throws SQLException {
        try {
            JdbcSupport.execute(c, sql);
        } catch (SQLException e) {
            throw new RestoreException("dropping " + o.kind() + " " + o.name() + " of the target to replace it failed: "
                    + e.getMessage(), e);
        }
    }

    private static String role(String sql) {
        Matcher m = ROLE_AT_END.matcher(sql);
        if (!sql.contains(" OWNER TO ") && !sql.startsWith("GRANT ") && !sql.startsWith("REVOKE ")) {
            return null;
        }
        if (!m.find()) {
            return null;
        }
        String r = m.group(1);
        return r.startsWith("\"") ? r.substring(1, r.length() - 1).replace("\"\"", "\"") : r;
    }

    private static boolean roleExists(Connection c, String role) throws SQLException {
        return role == null || roles(c).contains(role);
    }

    private static Set<String> roles(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rolname FROM pg_roles")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<Node> nodes(Collection<DbObject> objects, List<TablePlan> tables, Phase phase) {
        List<Node> out = new ArrayList<>();
        for (DbObject o : objects) {
            if (phase == null || o.phase() == phase) {
                out.add(new Node(o.key(), o, null, o.dependsOn()));
            }
        }
        for (TablePlan tp : tables) {
            Table t = tp.backup();
            String deps = t.options().get(PgObjectReader.OPTION_DEPENDS_ON);
            List<String> needs = new ArrayList<>(deps == null ? List.of() : Arrays.asList(deps.split("\n")));
            // format 1 models: no recorded dependencies, the plan's foreign-key order stands
            out.add(new Node(PgObjectReader.tableKey(t.schema(), t.name()), null, tp, needs));
        }
        return out;
    }

    /** Kahn's topological sort; ties (and cycles, broken at the earliest node) keep the input order. */
    private static List<Node> sort(List<Node> nodes) {
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            byKey.computeIfAbsent(nodes.get(i).key(), k -> new ArrayList<>()).add(i);
        }
        int[] waiting = new int[nodes.size()];
        Map<Integer, List<Integer>> dependents = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String dep : new LinkedHashSet<>(nodes.get(i).dependsOn())) {
                for (int j : byKey.getOrDefault(dep, List.of())) {
                    if (j != i) {
                        waiting[i]++;
                        dependents.computeIfAbsent(j, k -> new ArrayList<>()).add(i);
                    }
                }
            }
        }
        TreeSet<Integer> ready = new TreeSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        boolean[] done = new boolean[nodes.size()];
        List<Node> out = new ArrayList<>();
        while (out.size() < nodes.size()) {
            Integer next = ready.pollFirst();
            if (next == null) {
                for (int i = 0; i < nodes.size(); i++) {
                    if (!done[i]) {
                        next = i;
                        LOG.debug("dependency cycle through {}: created in catalog order", nodes.get(i).key());
                        break;
                    }
                }
            }
            done[next] = true;
            out.add(nodes.get(next));
            for (int d : dependents.getOrDefault(next, List.of())) {
                if (!done[d] && --waiting[d] == 0) {
                    ready.add(d);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------- foreign keys of the tables left alone

    /** A foreign key of a table outside the restore that references a restored table. */
    public record OutsideKey(String table, String name, String definition) {
    }

    /** The foreign keys other tables have on the tables REPLACE drops (DROP TABLE ... CASCADE removes them). */
    public List<OutsideKey> outsideForeignKeys(Connection c, RestorePlan plan) throws SQLException {
        List<OutsideKey> out = new ArrayList<>();
        if (plan.mode() != RestoreMode.REPLACE) {
            return out;
        }
        List<String> restored = plan.tables().stream().filter(tp -> tp.existing() != null)
                .map(tp -> dialect.qualify(tp.target())).toList();
        if (restored.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(tc.relname),"
                + " con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class tc ON tc.oid = con.conrelid"
                + " JOIN pg_namespace n ON n.oid = tc.relnamespace WHERE con.contype = 'f' AND con.conparentid = 0"
                + " AND con.confrelid = ANY (?::regclass[]) AND NOT con.conrelid = ANY (?::regclass[]) ORDER BY 1, 2")) {
            Array a = c.createArrayOf("text", restored.toArray());
            ps.setArray(1, a);
            ps.setArray(2, a);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new OutsideKey(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    /** Re-creates (and so validates) the outside foreign keys; rows they would orphan fail the restore. */
    public void recreate(Connection c, List<OutsideKey> keys) throws SQLException {
        for (OutsideKey k : keys) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + k.table() + " DROP CONSTRAINT IF EXISTS " + dialect.quote(k.name()));
                st.execute("ALTER TABLE " + k.table() + " ADD CONSTRAINT " + dialect.quote(k.name()) + " "
                        + k.definition());
            } catch (SQLException e) {
                throw new RestoreException("the restore would break foreign key " + k.name() + " of table " + k.table()
                        + " (not restored): " + e.getMessage() + ". Restore that table too, or fix its rows first", e);
            }
        }
    }
}
