package io.backupkit.jdbc.h2;

import io.backupkit.testkit.db.DatabaseContents;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * H2's own account of a database for the fidelity tests: {@code SCRIPT NODATA}, without the {@code CREATE USER}
 * lines (each database salts its users' password hashes differently) and the row-count estimates, with the synonyms it leaves out added; and per table a digest of its sorted rows.
 */
final class H2SchemaDump {
    /** SCRIPT's estimate of a table's rows: data, not schema (a selective restore changes it). */
    private static final Pattern ROW_COUNT = Pattern.compile("-- \\d+ \\+/- SELECT COUNT\\(\\*\\) FROM .*");
    private H2SchemaDump() {
    }

    static String schemaDump(DataSource ds) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SCRIPT NODATA")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!line.startsWith("CREATE USER ") && !ROW_COUNT.matcher(line).matches()) {
                    out.append(line).append('\n');
                }
            }
        }
        // SCRIPT leaves synonyms out
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT SYNONYM_SCHEMA, SYNONYM_NAME, SYNONYM_FOR_SCHEMA, SYNONYM_FOR FROM INFORMATION_SCHEMA.SYNONYMS "
                        + "ORDER BY 1, 2")) {
            while (rs.next()) {
                out.append("synonym ").append(rs.getString(1)).append('.').append(rs.getString(2)).append(" for ")
                        .append(rs.getString(3)).append('.').append(rs.getString(4)).append('\n');
            }
        }
        return out.toString();
    }

    static Map<String, String> contentDigests(DataSource ds) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = ds.getConnection()) {
            List<String> tables = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME "
                    + "FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA <> 'INFORMATION_SCHEMA'")) {
                while (rs.next()) {
                    tables.add("\"" + rs.getString(1) + "\".\"" + rs.getString(2) + "\"");
                }
            }
            for (String t : tables) {
                List<String> rows = DatabaseContents.rows(c, t);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                rows.forEach(r -> md.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
                out.put(t, rows.size() + " rows, sha256 " + HexFormat.of().formatHex(md.digest()));
            }
        }
        return out;
    }

}
