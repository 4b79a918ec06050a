package io.backupkit.jdbc.sqlite;

import io.backupkit.api.Manifest;
import io.backupkit.testkit.db.DirectoryBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * SQLite's own account of a database, for the fidelity tests: {@code sqlite_master} (every object with its SQL
 * text), {@code sqlite_sequence} and the pragmas an application sets; and each table's rows with their storage
 * classes.
 */
final class SqliteSchemaDump {
    private SqliteSchemaDump() {
    }

    /** sqlite_master sorted by type and name (creation order is not part of a schema), sqlite_sequence, pragmas. */
    static String schemaDump(DataSource db) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")) {
                while (rs.next()) {
                    sb.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getString(3))
                            .append('|').append(rs.getString(4)).append('\n');
                }
            }
            boolean hasSequence;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")) {
                rs.next();
                hasSequence = rs.getInt(1) > 0;
            }
            if (hasSequence) {
                try (ResultSet rs = st.executeQuery("SELECT name, seq FROM sqlite_sequence ORDER BY name")) {
                    while (rs.next()) {
                        sb.append("sqlite_sequence|").append(rs.getString(1)).append('|').append(rs.getLong(2)).append('\n');
                    }
                }
            }
            for (String pragma : List.of("user_version", "application_id", "encoding")) {
                try (ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
                    rs.next();
                    sb.append(pragma).append('=').append(rs.getString(1)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** Per table a SHA-256 over its rows in key order (rowid tables: with the rowid), each value with its class. */
    static Map<String, String> contentDigests(DataSource db) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            List<String[]> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                    + "AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : tables) {
                boolean withoutRowid = t[1].toUpperCase(Locale.ROOT).contains("WITHOUT ROWID");
                String q = "\"" + t[0].replace("\"", "\"\"") + "\"";
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (ResultSet rs = st.executeQuery("SELECT " + (withoutRowid ? "" : "rowid, ") + "* FROM " + q
                        + " ORDER BY " + (withoutRowid ? "1" : "rowid"))) {
                    ResultSetMetaData md2 = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md2.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            String text = v == null ? "null" : v instanceof byte[] b ? "blob:" + HexFormat.of().formatHex(b)
                                    : v.getClass().getSimpleName() + ":" + v;
                            md.update(text.getBytes(StandardCharsets.UTF_8));
                            md.update((byte) 0);
                        }
                        md.update((byte) '\n');
                    }
                }
                out.put(t[0], HexFormat.of().formatHex(md.digest()));
            }
        }
        return out;
    }

    /** Rows that break a foreign key ({@code PRAGMA foreign_key_check}), as "table rowid parent". */
    static List<String> foreignKeyViolations(DataSource db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA foreign_key_check")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return out;
    }

    /** Damages the data object of the backup's last table, so a restore fails after loading the others. */
    static void corruptLastTable(DirectoryBackup backup) throws Exception {
        List<Manifest.TableEntry> tables = backup.summary().tables();
        String object = tables.get(tables.size() - 1).objects().get(0);
        Path file = backup.file(object);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
    }
}
