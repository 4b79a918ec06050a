package io.backupkit.jdbc.internal;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;

/**
 * Foreign-key-safe ordering of tables: a referenced table comes before the tables that reference it. Self
 * references are ignored (a table's own rows are loaded with its foreign keys deferred or added afterwards);
 * tables in a reference cycle are kept together in their original order and reported by {@link #cycles}, because
 * no load order satisfies them: restore adds their foreign keys after the data (or disables checks while loading).
 * References to tables outside the set are ignored. Deterministic: ties keep the input order.
 */
public final class TableOrder {
    private TableOrder() {
    }

    /** The tables in load order (parents first). Reverse it to delete or drop. */
    public static List<SchemaModel.Table> loadOrder(List<SchemaModel.Table> tables) {
        List<List<SchemaModel.Table>> components = components(tables);
        List<SchemaModel.Table> out = new ArrayList<>(tables.size());
        components.forEach(out::addAll);
        return out;
    }

    /** Groups of two or more tables whose foreign keys form a cycle (each group in input order). */
    public static List<List<SchemaModel.Table>> cycles(List<SchemaModel.Table> tables) {
        return components(tables).stream().filter(c -> c.size() > 1).toList();
    }

    /** Strongly connected components (Tarjan), emitted parents-first, members in input order. */
    private static List<List<SchemaModel.Table>> components(List<SchemaModel.Table> tables) {
        Map<String, SchemaModel.Table> byName = new LinkedHashMap<>();
        Map<String, Integer> position = new HashMap<>();
        for (SchemaModel.Table t : tables) {
            byName.put(t.qualifiedName(), t);
            position.put(t.qualifiedName(), position.size());
        }
        // edges: table -> tables it references (its parents)
        Map<String, Set<String>> parents = new HashMap<>();
        for (SchemaModel.Table t : tables) {
            Set<String> p = new LinkedHashSet<>();
            for (SchemaModel.ForeignKey fk : t.foreignKeys()) {
                String ref = fk.referencedQualifiedName();
                if (!ref.equals(t.qualifiedName()) && byName.containsKey(ref)) {
                    p.add(ref);
                }
            }
            parents.put(t.qualifiedName(), p);
        }
        // Tarjan's algorithm emits a component only after every component it reaches (its parents): load order.
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<List<SchemaModel.Table>> result = new ArrayList<>();
        int[] counter = {0};
        for (String name : byName.keySet()) {
            if (!index.containsKey(name)) {
                strongConnect(name, parents, index, low, stack, onStack, counter, result, byName, position);
            }
        }
        return result;
    }

    private static void strongConnect(String v, Map<String, Set<String>> parents, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, int[] counter,
                                      List<List<SchemaModel.Table>> result, Map<String, SchemaModel.Table> byName,
                                      Map<String, Integer> position) {
        // Iterative to survive schemas with thousands of chained tables.
        Deque<Object[]> work = new ArrayDeque<>();
        work.push(new Object[]{v, parents.get(v).iterator()});
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        while (!work.isEmpty()) {
            Object[] frame = work.peek();
            String node = (String) frame[0];
            @SuppressWarnings("unchecked")
            Iterator<String> it = (Iterator<String>) frame[1];
            if (it.hasNext()) {
                String w = it.next();
                if (!index.containsKey(w)) {
                    index.put(w, counter[0]);
                    low.put(w, counter[0]++);
                    stack.push(w);
                    onStack.add(w);
                    work.push(new Object[]{w, parents.get(w).iterator()});
                } else if (onStack.contains(w)) {
                    low.put(node, Math.min(low.get(node), index.get(w)));
                }
            } else {
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(node)));
                }
                if (low.get(node).equals(index.get(node))) {
                    List<SchemaModel.Table> component = new ArrayList<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(byName.get(w));
                    } while (!w.equals(node));
                    component.sort(Comparator.comparing(t -> position.get(t.qualifiedName())));
                    result.add(component);
                }
            }
        }
    }
}
