package io.backupkit.testkit.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.util.Arrays;

/**
 * Reads a table's rows into canonical, comparable form: one line per row, values tagged by Java type, large values
 * replaced by their length and SHA-256, rows sorted. Two tables are equal when their lists are equal.
 */
public final class DatabaseContents {
    private DatabaseContents() {
    }

    /** Canonical rows of {@code SELECT * FROM <qualifiedTable>}, sorted. */
    public static List<String> rows(DataSource ds, String qualifiedTable) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return rows(c, qualifiedTable);
        }
    }

    /** As {@link #rows(DataSource, String)}, on a connection the caller holds (e.g. inside its transaction). */
    public static List<String> rows(Connection c, String qualifiedTable) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + qualifiedTable)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    sb.append(md.getColumnLabel(i)).append('=').append(canonical(rs.getObject(i))).append(" | ");
                }
                out.add(sb.toString());
            }
        }
        out.sort(null);
        return out;
    }

    /** A type-tagged text for one value; byte arrays and long texts by length and hash. */
    public static String canonical(Object v) throws SQLException {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof byte[] b) {
            return "bytes[" + b.length + "]:" + sha(b);
        }
        if (v instanceof Blob blob) {
            try (InputStream in = blob.getBinaryStream()) {
                return canonical(in.readAllBytes());
            } catch (IOException e) {
                throw new SQLException(e);
            }
        }
        if (v instanceof Clob clob) {
            try (Reader r = clob.getCharacterStream()) {
                StringBuilder sb = new StringBuilder();
                char[] buf = new char[8192];
                int n;
                while ((n = r.read(buf)) > 0) {
                    sb.append(buf, 0, n);
                }
                return canonical(sb.toString());
            } catch (IOException e) {
                throw new SQLException(e);
            }
        }
        if (v instanceof String s) {
            return s.length() > 200 ? "text[" + s.length() + "]:" + sha(s.getBytes(StandardCharsets.UTF_8))
                    : "'" + s + "'";
        }
        if (v instanceof Double d) {
            return "double:" + Long.toHexString(Double.doubleToLongBits(d)) + "(" + d + ")";
        }
        if (v instanceof Float f) {
            return "float:" + Integer.toHexString(Float.floatToIntBits(f)) + "(" + f + ")";
        }
        if (v instanceof BigDecimal d) {
            return "decimal:" + d.toString();
        }
        if (v instanceof Array a) {
            Object arr = a.getArray();
            return "array:" + (arr instanceof Object[] o ? Arrays.deepToString(o) : String.valueOf(arr));
        }
        return v.getClass().getSimpleName() + ":" + v;
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
