package io.backupkit.jdbc.h2;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * H2's own account of a database's schema, {@code SCRIPT NODATA}: one statement per row, in the order H2 itself
 * re-creates a database from (schemas, domains, constants, aliases, sequences, tables, indexes, views, constraints,
 * triggers, comments, grants). Each statement is classified by what it creates and on which table, so the dumper
 * restores the engine's own DDL rather than a re-rendering of it. {@code SCRIPT} needs ADMIN rights.
 */
final class H2Script {
    private static final String ID = "\"(?:[^\"]|\"\")*\"";
    private static final String QN = "(" + ID + ")\\.(" + ID + ")";
    private static final List<Rule> RULES = List.of(
            new Rule("user", "CREATE USER IF NOT EXISTS (" + ID + ")"),
            new Rule("role", "CREATE ROLE IF NOT EXISTS (" + ID + ")"),
            new Rule("grant", "(?:GRANT|REVOKE) .*"),
            new Rule("schema", "CREATE SCHEMA IF NOT EXISTS (" + ID + ")"),
            new Rule("domain", "CREATE DOMAIN " + QN),
            new Rule("domain constraint", "ALTER DOMAIN " + QN + " ADD CONSTRAINT " + QN),
            new Rule("constant", "CREATE CONSTANT " + QN),
            new Rule("function", "CREATE FORCE ALIAS " + QN),
            new Rule("aggregate", "CREATE FORCE AGGREGATE " + QN),
            new Rule("sequence", "CREATE SEQUENCE " + QN),
            new Rule("linked table", "CREATE FORCE (?:GLOBAL TEMPORARY |LOCAL TEMPORARY |TEMPORARY )?LINKED TABLE " + QN),
            new Rule("table", "CREATE (?:MEMORY |CACHED )?(?:GLOBAL TEMPORARY |LOCAL TEMPORARY |TEMPORARY )?TABLE " + QN),
            new Rule("index", "CREATE (?:UNIQUE |SPATIAL |HASH |NULLS DISTINCT |NULLS NOT DISTINCT |ALL )*INDEX " + QN
                    + " ON " + QN),
            new Rule("constraint", "ALTER TABLE " + QN + " ADD CONSTRAINT " + QN),
            new Rule("view", "CREATE FORCE (?:MATERIALIZED )?VIEW " + QN),
            new Rule("trigger", "CREATE FORCE TRIGGER " + QN + " .*? ON " + QN),
            new Rule("comment", "COMMENT ON (\\w+(?: \\w+)?) (.*?) IS .*"),
            new Rule("setting", "SET .*"),
            new Rule("remark", "-- .*"));

    /** One statement: what it is, the object it names (schema, name) and the table it belongs to, if any. */
    record Entry(String kind, String schema, String name, String tableSchema, String table, String sql) {
        String qualifiedName() {
            return schema.isEmpty() ? name : schema + "." + name;
        }

        String qualifiedTable() {
            return table == null ? null : tableSchema + "." + table;
        }
    }

    private record Rule(String kind, Pattern pattern) {
        Rule(String kind, String regex) {
            this(kind, Pattern.compile("^" + regex, Pattern.DOTALL));
        }
    }

    private H2Script() {
    }

    /** The database's SCRIPT NODATA, classified; statements no rule knows have kind {@code unknown}. */
    static List<Entry> read(Connection c) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SCRIPT NODATA")) {
            while (rs.next()) {
                out.add(classify(rs.getString(1)));
            }
        }
        return out;
    }

    static Entry classify(String statement) {
        String sql = statement.endsWith(";") ? statement.substring(0, statement.length() - 1) : statement;
        for (Rule r : RULES) {
            Matcher m = r.pattern().matcher(sql);
            if (!m.find()) {
                continue;
            }
            return switch (r.kind()) {
                case "user", "role", "schema" -> new Entry(r.kind(), "", unquote(m.group(1)), null, null, sql);
                case "grant", "setting", "remark" -> new Entry(r.kind(), "", "", null, null, sql);
                case "comment" -> new Entry("comment", "", m.group(1) + " " + m.group(2), null, null, sql);
                case "domain constraint" -> new Entry(r.kind(), unquote(m.group(3)), unquote(m.group(4)),
                        unquote(m.group(1)), unquote(m.group(2)), sql);
                case "index", "constraint", "trigger" -> {
                    boolean tableFirst = r.kind().equals("constraint");
                    int obj = tableFirst ? 3 : 1;
                    int tab = tableFirst ? 1 : 3;
                    yield new Entry(r.kind(), unquote(m.group(obj)), unquote(m.group(obj + 1)), unquote(m.group(tab)),
                            unquote(m.group(tab + 1)), sql);
                }
                case "table", "linked table" -> new Entry(r.kind(), unquote(m.group(1)), unquote(m.group(2)),
                        unquote(m.group(1)), unquote(m.group(2)), sql);
                default -> new Entry(r.kind(), unquote(m.group(1)), unquote(m.group(2)), null, null, sql);
            };
        }
        return new Entry("unknown", "", "", null, null, sql);
    }

    /** The kind of constraint an {@code ALTER TABLE ... ADD CONSTRAINT} entry adds: PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY. */
    static String constraintType(Entry e) {
        String rest = e.sql().substring(e.sql().indexOf(" ADD CONSTRAINT ") + 16);
        rest = rest.replaceFirst("^" + QN + " (COMMENT '(?:[^']|'')*' )?", "");
        for (String type : List.of("PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY")) {
            if (rest.startsWith(type)) {
                return type;
            }
        }
        return "OTHER";
    }

    /** The qualified table an {@code ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY} references. */
    static String referencedTable(Entry e) {
        Matcher m = Pattern.compile(" REFERENCES " + QN).matcher(e.sql());
        return m.find() ? unquote(m.group(1)) + "." + unquote(m.group(2)) : null;
    }

    /** Whether SQL text names this qualified object, as SCRIPT writes names ({@code "S"."N"}). */
    static boolean names(String sql, String schema, String name) {
        return sql.contains(quote(schema) + "." + quote(name));
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String unquote(String quoted) {
        return quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"");
    }
}
