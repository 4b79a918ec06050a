package io.backupkit.testkit.db;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * MariaDB's own account of a database for the fidelity tests: {@code mariadb-dump --no-data --routines --triggers
 * --events}, with only the database name and the dump date taken out; and per table {@code CHECKSUM TABLE ...
 * EXTENDED} with the row count, per sequence its next value. Databases come from {@link DatabaseServers#mariadb()}
 * ({@link #newDatabase()}) or from the {@link MariaDb} parameter extension ({@link #register}).
 */
public final class MariaDbSchemaDump {
    private static final Map<DataSource, TestDatabase> DATABASES = new ConcurrentHashMap<>();
    private static final Pattern DUMP_DATE = Pattern.compile("(?m)^-- Dump completed on .*$");

    private MariaDbSchemaDump() {
    }

    /** A new empty database on the shared test server. */
    public static DataSource newDatabase() {
        return register(DatabaseServers.mariadb().createDatabase());
    }

    /** The database's data source, known to the other methods here. */
    public static DataSource register(TestDatabase db) {
        DataSource ds = db.dataSource();
        DATABASES.put(ds, db);
        return ds;
    }

    public static String name(DataSource ds) {
        return database(ds).name();
    }

    private static TestDatabase database(DataSource ds) {
        TestDatabase db = DATABASES.get(ds);
        if (db == null) {
            throw new IllegalArgumentException("not a database of MariaDbSchemaDump.newDatabase() or register(): " + ds);
        }
        return db;
    }

    public static String schemaDump(DataSource ds) throws Exception {
        TestDatabase db = DATABASES.get(ds);
        DatabaseServer server = DatabaseServers.mariadb();
        String out = run(List.of("mariadb-dump", "--no-data", "--routines", "--triggers", "--events", "--skip-comments",
                "-h", server.host(), "-P", String.valueOf(server.port()), "-u", db.user(), db.name()), db.password(), null);
        return DUMP_DATE.matcher(out).replaceAll("").replace("`" + db.name() + "`", "`DB`");
    }

    /** Runs the mariadb client (or mariadb-dump) with this database's credentials; stdin from {@code input}. */
    public static String run(List<String> command, String password, Path input) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MYSQL_PWD", password);
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        Process p = pb.start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(buf);
        }
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + buf.toString(StandardCharsets.UTF_8));
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Loads an SQL script (with DELIMITER lines, as sample databases ship) through the mariadb client. */
    public static void load(DataSource ds, Path script) throws Exception {
        TestDatabase db = database(ds);
        DatabaseServer server = DatabaseServers.mariadb();
        run(List.of("mariadb", "--default-character-set=utf8mb4", "-h", server.host(), "-P", String.valueOf(server.port()),
                "-u", db.user(), db.name()), db.password(), script);
    }

    public static Map<String, String> contentDigests(DataSource ds) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            List<String[]> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES "
                    + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SEQUENCE') ORDER BY TABLE_NAME")) {
                while (rs.next()) {
                    tables.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : tables) {
                String q = "`" + t[0].replace("`", "``") + "`";
                if (t[1].equals("SEQUENCE")) {
                    try (ResultSet rs = st.executeQuery("SELECT next_not_cached_value FROM " + q)) {
                        rs.next();
                        out.put(t[0], "sequence next " + rs.getLong(1));
                    }
                    continue;
                }
                String sum;
                try (ResultSet rs = st.executeQuery("CHECKSUM TABLE " + q + " EXTENDED")) {
                    rs.next();
                    sum = rs.getString(2);
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + q)) {
                    rs.next();
                    out.put(t[0], rs.getLong(1) + " rows, checksum " + sum);
                }
            }
        }
        return out;
    }
}
