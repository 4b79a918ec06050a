package io.backupkit.jdbc.postgres;

import io.backupkit.testkit.db.DatabaseServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;

/** PostgreSQL helpers of the fidelity tests: fixtures from resources, pg_dump -s, content digests. */
final class PostgresFidelity {
    private PostgresFidelity() {
    }

    /** Runs a resource script whose statements are separated by lines holding only {@code ;;}. */
    static void runScript(DataSource db, String resource) throws IOException, SQLException {
        String text;
        try (InputStream in = PostgresFidelity.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (String sql : text.split("\n;;\n")) {
                String s = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
                if (!s.isEmpty()) {
                    try {
                        st.execute(s);
                    } catch (SQLException e) {
                        throw new SQLException("fixture statement failed: " + s, e);
                    }
                }
            }
        }
    }

    /**
     * {@code pg_dump --schema-only} of the database, comment and SET lines removed, and the restrict/unrestrict lines
     * whose key pg_dump draws at random on each run (nothing else).
     */
    static String pgDumpSchema(DatabaseServer server, String database) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/lib/postgresql/15/bin/pg_dump", "--schema-only", "-h", server.host(),
                "-p", Integer.toString(server.port()), "-U", server.user(), database);
        pb.environment().put("PGPASSWORD", server.password());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pg_dump failed: " + out);
        }
        StringBuilder sb = new StringBuilder();
        for (String line : out.split("\n", -1)) {
            // the restrict and unrestrict lines carry a random key per run (pg_dump 15.14+), nothing about the schema
            if (line.startsWith("--") || line.startsWith("SET ") || line.startsWith("\\restrict ")
                    || line.startsWith("\\unrestrict ")) {
                continue;
            }
            sb.append(line).append('\n');
        }
        // kept under target/ so that a failed comparison can be diffed
        Files.createDirectories(Path.of("target", "schema-dumps"));
        Files.writeString(Path.of("target", "schema-dumps", database + ".sql"), sb);
        return sb.toString();
    }

    /**
     * Per table, partition, materialized view (with whether it is populated), sequence and large object: a digest
     * of its whole content, computed by the server.
     */
    static Map<String, String> contentDigests(DataSource db) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            List<String[]> rels = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind,"
                    + " c.relispopulated FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname !~ '^pg_' ORDER BY 1")) {
                while (rs.next()) {
                    rels.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] r : rels) {
                String sql = switch (r[1]) {
                    case "S" -> "SELECT last_value || ' ' || is_called FROM " + r[0];
                    case "m" -> "t".equals(r[2]) || "true".equals(r[2])
                            ? "SELECT 'populated ' || md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), ''))"
                            + " FROM " + r[0] + " x" : "SELECT 'not populated'";
                    default -> "SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), ''))"
                            + " FROM ONLY " + r[0] + " x";
                };
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    out.put(r[0], rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT oid, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid")) {
                while (rs.next()) {
                    out.put("large object " + rs.getLong(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The database name of a data source's URL. */
    static String databaseName(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
