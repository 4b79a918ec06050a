package io.backupkit.api;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which tables a backup or restore covers. Patterns match {@code schema.table} or just {@code table},
 * case-insensitively, with {@code *} and {@code ?} wildcards (e.g. {@code public.order_*}, {@code audit_log}).
 * A table is selected when it matches an include (or there are none) and no exclude. A name without
 * wildcards that matches no table is an error, so a typo never silently backs up less than intended.
 */
public record TableSelection(List<String> includes, List<String> excludes) {
    private static final Pattern VALID = Pattern.compile("[^\\s\\x00-\\x1f]+");

    public static final TableSelection ALL = new TableSelection(List.of(), List.of());

    public TableSelection {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        for (String p : includes) {
            check(p);
        }
        for (String p : excludes) {
            check(p);
        }
    }

    public static TableSelection include(String... patterns) {
        return new TableSelection(List.of(patterns), List.of());
    }

    public static TableSelection exclude(String... patterns) {
        return new TableSelection(List.of(), List.of(patterns));
    }

    /** This selection with more exclusions. */
    public TableSelection andExclude(String... patterns) {
        List<String> more = new java.util.ArrayList<>(excludes);
        more.addAll(List.of(patterns));
        return new TableSelection(includes, more);
    }

    /** Whether every table is selected. */
    public boolean isAll() {
        return includes.isEmpty() && excludes.isEmpty();
    }

    /**
     * Whether the table is selected.
     *
     * @param schema the table's schema, or null/empty where the engine has none (SQLite)
     * @param table  the table name
     */
    public boolean matches(String schema, String table) {
        Objects.requireNonNull(table, "table");
        boolean included = includes.isEmpty() || includes.stream().anyMatch(p -> matchesOne(p, schema, table));
        return included && excludes.stream().noneMatch(p -> matchesOne(p, schema, table));
    }

    /** Include patterns without wildcards, which must each match a table. */
    public List<String> exactIncludes() {
        return includes.stream().filter(p -> p.indexOf('*') < 0 && p.indexOf('?') < 0).toList();
    }

    /** Whether a single pattern matches the table. */
    public static boolean matchesOne(String pattern, String schema, String table) {
        Pattern regex = toRegex(pattern);
        if (pattern.indexOf('.') < 0 && regex.matcher(table).matches()) {
            return true;
        }
        return schema != null && !schema.isEmpty() && regex.matcher(schema + "." + table).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static void check(String pattern) {
        if (pattern == null || !VALID.matcher(pattern).matches()) {
            throw new IllegalArgumentException("invalid table pattern '" + pattern
                    + "': use schema.table or table, with * and ? as wildcards");
        }
    }
}
