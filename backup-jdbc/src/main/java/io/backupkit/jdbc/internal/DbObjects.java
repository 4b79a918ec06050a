package io.backupkit.jdbc.internal;

import io.backupkit.jdbc.internal.SchemaModel.DbObject;
import io.backupkit.jdbc.internal.SchemaModel.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of a backup's {@link DbObject}s a restore brings, and in which order: the order the catalog's dependency
 * data gives ({@link DbObject#dependsOn()}), the dump's order where it says nothing. A dependency key that names a
 * table ({@code table schema.name}) ties the object to that table for selective restores.
 */
public final class DbObjects {
    /** Key prefix of a table in {@link DbObject#dependsOn()}. */
    public static final String TABLE = "table ";

    private DbObjects() {
    }

    /** The {@link DbObject#dependsOn()} key of a table. */
    public static String tableKey(String qualifiedName) {
        return TABLE + qualifiedName;
    }

    /**
     * The objects a restore of these tables brings: every one when the whole backup is restored; otherwise those
     * that belong to or depend on restored tables only (and on objects brought as well), never one that needs a
     * table left alone or that depends on no table at all (functions, events: the database-wide part stays as is).
     */
    public static List<DbObject> restored(List<DbObject> objects, Set<String> restoredTables, boolean all) {
        if (all) {
            return order(objects);
        }
        Map<String, DbObject> byKey = new LinkedHashMap<>();
        for (DbObject o : objects) {
            byKey.put(o.key(), o);
        }
        Map<String, Boolean> decided = new HashMap<>();
        List<DbObject> out = new ArrayList<>();
        for (DbObject o : objects) {
            if (brought(o, byKey, restoredTables, decided, new HashSet<>())) {
                out.add(o);
            }
        }
        return order(out);
    }

    private static boolean brought(DbObject o, Map<String, DbObject> byKey, Set<String> tables,
                                   Map<String, Boolean> decided, Set<String> visiting) {
        Boolean known = decided.get(o.key());
        if (known != null) {
            return known;
        }
        if (!visiting.add(o.key())) {
            return false; // a cycle: not brought alone
        }
        boolean ok = tied(o, byKey, new HashSet<>()) && (o.table() == null || tables.contains(o.table()));
        for (String dep : o.dependsOn()) {
            if (!ok) {
                break;
            }
            DbObject d = byKey.get(dep);
            if (dep.startsWith(TABLE)) {
                ok = tables.contains(dep.substring(TABLE.length()));
            } else if (d != null && tied(d, byKey, new HashSet<>())) {
                ok = brought(d, byKey, tables, decided, visiting);
            } // a database-wide object (function, sequence) stays as the target has it
        }
        decided.put(o.key(), ok);
        return ok;
    }

    /** Whether the object belongs to or depends on a table, directly or through the objects it needs. */
    private static boolean tied(DbObject o, Map<String, DbObject> byKey, Set<String> seen) {
        if (o.table() != null) {
            return true;
        }
        if (!seen.add(o.key())) {
            return false;
        }
        for (String dep : o.dependsOn()) {
            if (dep.startsWith(TABLE) || byKey.containsKey(dep) && tied(byKey.get(dep), byKey, seen)) {
                return true;
            }
        }
        return false;
    }

    /** The objects in dependency order (each after the objects of the list it depends on), stable otherwise. */
    public static List<DbObject> order(List<DbObject> objects) {
        Map<String, DbObject> byKey = new LinkedHashMap<>();
        for (DbObject o : objects) {
            byKey.put(o.key(), o);
        }
        List<DbObject> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (DbObject o : objects) {
            visit(o, byKey, done, new HashSet<>(), out);
        }
        return out;
    }

    private static void visit(DbObject o, Map<String, DbObject> byKey, Set<String> done, Set<String> path,
                              List<DbObject> out) {
        if (done.contains(o.key()) || !path.add(o.key())) {
            return; // done, or a cycle the engine resolves itself (it accepted the objects in the source)
        }
        for (String dep : o.dependsOn()) {
            DbObject d = byKey.get(dep);
            if (d != null) {
                visit(d, byKey, done, path, out);
            }
        }
        done.add(o.key());
        out.add(o);
    }

    /** The objects of one phase, keeping the order. */
    public static List<DbObject> inPhase(List<DbObject> objects, Phase phase) {
        return objects.stream().filter(o -> o.phase() == phase).toList();
    }
}
