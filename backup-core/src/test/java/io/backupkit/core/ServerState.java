package io.backupkit.core;

import io.backupkit.core.internal.Sha256;
import io.backupkit.testkit.db.DatabaseEngine;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A database as its engine describes it, for tests that compare a target with what it must be: the engine's own
 * schema dump ({@code pg_dump --schema-only} / {@code mariadb-dump --no-data --routines --triggers --events}, as the
 * fidelity contract compares) and, per table, the SHA-256 of its rows in key order.
 */
record ServerState(String schemaDump, Map<String, String> rowHashes) {
    private static final String PG_BIN = "/usr/lib/postgresql/15/bin/";

    static ServerState of(TestDatabase db) throws Exception {
        return new ServerState(schemaDump(db), rowHashes(db));
    }

    /** Keeps failure messages readable: the hashes, and the dump only by its hash. */
    @Override
    public String toString() {
        return "ServerState[schemaDump " + Sha256.of(schemaDump.getBytes(StandardCharsets.UTF_8)).substring(0, 12)
                + " (" + schemaDump.lines().count() + " lines), rows " + rowHashes + "]\n" + schemaDump;
    }

    private static String schemaDump(TestDatabase db) throws IOException, InterruptedException {
        boolean maria = db.engine() == DatabaseEngine.MARIADB;
        DatabaseServer server = maria ? DatabaseServers.mariadb() : DatabaseServers.postgres15();
        List<String> command = maria
                ? List.of("mariadb-dump", "--no-data", "--routines", "--triggers", "--events", "--skip-comments",
                "-h", server.host(), "-P", String.valueOf(server.port()), "-u", db.user(), db.name())
                : List.of(PG_BIN + "pg_dump", "--schema-only", "-h", server.host(), "-p", String.valueOf(server.port()),
                "-U", db.user(), db.name());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(maria ? "MYSQL_PWD" : "PGPASSWORD", db.password());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + out);
        }
        // pg_dump 15.14+ writes a random \restrict key into each dump
        return out.replaceAll("(?m)^-- Dump completed on .*$|^\\\\(un)?restrict .*$", "").replace("`" + db.name() + "`", "`DB`");
    }

    private static Map<String, String> rowHashes(TestDatabase db) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.connect()) {
            List<String> tables = new ArrayList<>();
            String schema = db.engine() == DatabaseEngine.MARIADB ? c.getCatalog() : null;
            try (ResultSet rs = c.getMetaData().getTables(schema, db.engine() == DatabaseEngine.MARIADB ? null : "public",
                    "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String t : tables) {
                StringBuilder rows = new StringBuilder();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t + " ORDER BY 1")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            rows.append(rs.getString(i)).append('\t');
                        }
                        rows.append('\n');
                    }
                }
                out.put(t, Sha256.of(rows.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16)
                        + " (" + rows.chars().filter(ch -> ch == '\n').count() + " rows)");
            }
        }
        return out;
    }
}
