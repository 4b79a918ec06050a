package io.backupkit.jdbc.mariadb;

import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.DbObjects;
import io.backupkit.jdbc.internal.SchemaModel.DbObject;
import io.backupkit.jdbc.internal.SchemaModel.Phase;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * MariaDB / MySQL objects beyond tables, each as the server's own {@code SHOW CREATE} text, as mariadb-dump takes
 * them: sequences (with their next value), stored functions and procedures, views (algorithm, definer, SQL
 * security), triggers (in their action order) and events (schedule and status). Routines, triggers and events are
 * re-created under the {@code sql_mode}, {@code time_zone} and client character set they were created with, and the
 * session is put back after each. Also lists what belongs to the server (definers, grantees, the event scheduler)
 * and what cannot be captured (history of system-versioned tables, rows kept on another server).
 */
final class MariaDbObjects {
    private static final String SAVE = "SET @backupkit_mode = @@SESSION.sql_mode, @backupkit_tz = @@SESSION.time_zone, "
            + "@backupkit_cs = @@SESSION.character_set_client, @backupkit_coll = @@SESSION.collation_connection";
    private static final String RESTORE = "SET SESSION sql_mode = @backupkit_mode, time_zone = @backupkit_tz, "
            + "character_set_client = @backupkit_cs, collation_connection = @backupkit_coll";
    /** Storage engines whose rows are not in this server's database. */
    private static final Set<String> REMOTE_ENGINES = Set.of("FEDERATED", "FEDERATEDX", "CONNECT", "SPIDER");

    private final MariaDbDialect dialect;

    MariaDbObjects(MariaDbDialect dialect) {
        this.dialect = dialect;
    }

    /** Names of the sequences of a database (MariaDB keeps them as tables of type SEQUENCE). */
    static List<String> sequences(Connection c, String db) throws SQLException {
        return strings(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'SEQUENCE' "
                + "ORDER BY TABLE_NAME", db);
    }

    List<DbObject> read(Connection c, List<Table> tables, String db) throws SQLException {
        Set<String> tableNames = tables.stream().map(Table::name).collect(Collectors.toSet());
        List<DbObject> out = new ArrayList<>();
        for (String s : sequences(c, db)) {
            String create = showCreate(c, "SEQUENCE", s, 2);
            long next;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT next_not_cached_value FROM " + dialect.qualify(db, s))) {
                rs.next();
                next = rs.getLong(1);
            }
            out.add(new DbObject("sequence", db, s, null, List.of(create, "SELECT SETVAL(" + dialect.quote(s) + ", " + next + ", 0)"),
                    "DROP SEQUENCE IF EXISTS " + dialect.quote(s), List.of(), Phase.PRE_DATA));
        }
        for (String[] r : rows(c, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? "
                + "ORDER BY ROUTINE_TYPE, ROUTINE_NAME", db, 2)) {
            String type = r[0].toUpperCase(Locale.ROOT);
            Map<String, String> show = show(c, "SHOW CREATE " + type + " " + dialect.quote(r[1]));
            String create = show.get("Create " + capitalized(type));
            if (create == null) {
                continue; // listed by uncapturable: no privilege to read the body
            }
            out.add(new DbObject(type.toLowerCase(Locale.ROOT), db, r[1], null, session(show, create),
                    "DROP " + type + " IF EXISTS " + dialect.quote(r[1]), List.of(), Phase.PRE_DATA));
        }
        List<String> views = strings(c, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", db);
        Map<String, String> viewText = new LinkedHashMap<>();
        Map<String, Map<String, String>> viewShow = new LinkedHashMap<>();
        for (String v : views) {
            Map<String, String> show = show(c, "SHOW CREATE VIEW " + dialect.qualify(db, v));
            String create = show.get("Create View");
            if (create != null) {
                // Unqualified, the view follows the tables into a differently named database.
                viewText.put(v, create.replace(dialect.quote(db) + ".", ""));
                viewShow.put(v, show);
            }
        }
        List<String> routines = out.stream().filter(o -> o.kind().equals("function")).map(DbObject::name).toList();
        for (Map.Entry<String, String> v : viewText.entrySet()) {
            List<String> deps = new ArrayList<>();
            String text = v.getValue().substring(v.getValue().indexOf(" AS ") + 1);
            for (String other : viewText.keySet()) {
                if (!other.equals(v.getKey()) && text.contains(dialect.quote(other))) {
                    deps.add("view " + db + "." + other);
                }
            }
            for (String t : tableNames) {
                if (text.contains(dialect.quote(t))) {
                    deps.add(DbObjects.tableKey(db + "." + t));
                }
            }
            for (String f : routines) {
                if (text.contains(dialect.quote(f) + "(")) {
                    deps.add("function " + db + "." + f);
                }
            }
            // under the client character set it was created with, as mariadb-dump does (it keeps no sql_mode)
            out.add(new DbObject("view", db, v.getKey(), null, session(viewShow.get(v.getKey()), v.getValue()),
                    "DROP VIEW IF EXISTS " + dialect.quote(v.getKey()), deps, Phase.POST_DATA));
        }
        for (String[] r : rows(c, "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS "
                + "WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER", db, 2)) {
            if (!tableNames.contains(r[1])) {
                continue;
            }
            Map<String, String> show = show(c, "SHOW CREATE TRIGGER " + dialect.quote(r[0]));
            String create = show.get("SQL Original Statement");
            if (create != null) {
                out.add(new DbObject("trigger", db, r[0], db + "." + r[1], session(show, create),
                        "DROP TRIGGER IF EXISTS " + dialect.quote(r[0]), List.of(DbObjects.tableKey(db + "." + r[1])),
                        Phase.POST_DATA));
            }
        }
        for (String e : strings(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME", db)) {
            Map<String, String> show = show(c, "SHOW CREATE EVENT " + dialect.quote(e));
            String create = show.get("Create Event");
            if (create != null) {
                out.add(new DbObject("event", db, e, null, session(show, create),
                        "DROP EVENT IF EXISTS " + dialect.quote(e), List.of(), Phase.POST_DATA));
            }
        }
        return out;
    }

    /**
     * The create statement between saving the session and putting it back, under the object's own settings. The
     * client character set is taken over only where the text is ASCII: the driver always sends UTF-8.
     */
    private static List<String> session(Map<String, String> show, String create) {
        List<String> sets = new ArrayList<>();
        if (show.containsKey("sql_mode")) {
            sets.add("sql_mode = '" + show.get("sql_mode") + "'");
        }
        if (show.get("time_zone") != null) {
            sets.add("time_zone = '" + show.get("time_zone") + "'");
        }
        String cs = show.get("character_set_client");
        boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(create);
        if (cs != null && (ascii || cs.startsWith("utf8"))) {
            sets.add("character_set_client = " + cs);
            if (show.get("collation_connection") != null) {
                sets.add("collation_connection = " + show.get("collation_connection"));
            }
        }
        if (sets.isEmpty()) {
            return List.of(create);
        }
        if (cs != null && !cs.startsWith("utf8") && sets.stream().anyMatch(x -> x.startsWith("character_set_client"))) {
            // The driver closes a connection whose server reports a non-UTF-8 client character set; while the server
            // does not track the variable for this one statement, the driver does not see it (the text is ASCII).
            return List.of(SAVE, "SET @backupkit_track = @@SESSION.session_track_system_variables",
                    "SET SESSION session_track_system_variables = ''", "SET SESSION " + String.join(", ", sets), create,
                    RESTORE, "SET SESSION session_track_system_variables = @backupkit_track");
        }
        return List.of(SAVE, "SET SESSION " + String.join(", ", sets), create, RESTORE);
    }

    /** Server-level objects the database references: definers, grantees, the event scheduler. */
    List<String> outsideBackup(Connection c, String db) throws SQLException {
        Map<String, List<String>> users = new TreeMap<>();
        String[][] definers = {
                {"view", "SELECT DEFINER, TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?"},
                {"routine", "SELECT DEFINER, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?"},
                {"trigger", "SELECT DEFINER, TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?"},
                {"event", "SELECT DEFINER, EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?"}};
        for (String[] d : definers) {
            for (String[] r : rows(c, d[1], db, 2)) {
                int at = r[0].lastIndexOf('@');
                String user = at < 0 ? "'" + r[0] + "'" : "'" + r[0].substring(0, at) + "'@'" + r[0].substring(at + 1) + "'";
                users.computeIfAbsent(user, k -> new ArrayList<>()).add("definer of " + d[0] + " " + db + "." + r[1]);
            }
        }
        for (String[] r : rows(c, "SELECT GRANTEE, GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE SEPARATOR ', ') "
                + "FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = ? GROUP BY GRANTEE", db, 2)) {
            users.computeIfAbsent(r[0], k -> new ArrayList<>()).add("granted " + r[1] + " on " + db);
        }
        for (String[] r : rows(c, "SELECT GRANTEE, TABLE_NAME, GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE SEPARATOR ', ') "
                + "FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = ? GROUP BY GRANTEE, TABLE_NAME", db, 3)) {
            users.computeIfAbsent(r[0], k -> new ArrayList<>()).add("granted " + r[2] + " on " + db + "." + r[1]);
        }
        List<String> out = new ArrayList<>();
        users.forEach((user, uses) -> out.add("user " + user + ": " + String.join(", ", uses)));
        List<String> events = strings(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME", db);
        if (!events.isEmpty()) {
            String scheduler = show(c, "SHOW GLOBAL VARIABLES LIKE 'event_scheduler'").getOrDefault("Value", "?");
            out.add("server setting event_scheduler (" + scheduler + " here): events "
                    + events.stream().map(e -> db + "." + e).collect(Collectors.joining(", ")) + " run only where it is ON");
        }
        return out;
    }

    /** What this dumper cannot capture: history rows, rows kept on another server, unreadable definitions. */
    List<String> uncapturable(Connection c, String db) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String[] r : rows(c, "SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                + "ORDER BY TABLE_NAME", db, 3)) {
            if ("SYSTEM VERSIONED".equals(r[1])) {
                out.add("history of system-versioned table " + db + "." + r[0] + ": only its current rows are captured");
            } else if (r[2] != null && REMOTE_ENGINES.contains(r[2].toUpperCase(Locale.ROOT))) {
                out.add("rows of table " + db + "." + r[0] + " (ENGINE=" + r[2] + "): they live outside this server");
            }
        }
        for (String[] r : rows(c, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? "
                + "ORDER BY ROUTINE_NAME", db, 2)) {
            String type = r[0].toUpperCase(Locale.ROOT);
            if (show(c, "SHOW CREATE " + type + " " + dialect.quote(r[1])).get("Create " + capitalized(type)) == null) {
                out.add(type.toLowerCase(Locale.ROOT) + " " + db + "." + r[1] + ": its body is not readable by this user "
                        + "(it needs SHOW CREATE ROUTINE or to be its definer)");
            }
        }
        for (String v : strings(c, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", db)) {
            if (show(c, "SHOW CREATE VIEW " + dialect.qualify(db, v)).get("Create View") == null) {
                out.add("view " + db + "." + v + ": its definition is not readable (SHOW VIEW privilege)");
            }
        }
        return out;
    }

    private static String capitalized(String type) {
        return type.charAt(0) + type.substring(1).toLowerCase(Locale.ROOT);
    }

    private String showCreate(Connection c, String kind, String name, int column) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW CREATE " + kind + " " + dialect.quote(name))) {
            rs.next();
            return rs.getString(column);
        }
    }

    /** The first row of a SHOW statement by column label; empty when there is none. */
    private static Map<String, String> show(Connection c, String sql) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
            }
        }
        return out;
    }

    private static List<String> strings(Connection c, String sql, String db) throws SQLException {
        return rows(c, sql, db, 1).stream().map(r -> r[0]).toList();
    }

    private static List<String[]> rows(Connection c, String sql, String db, int columns) throws SQLException {
        return JdbcSupport.rows(c, sql, columns, ResultSet::getString, String[]::new, db);
    }
}
