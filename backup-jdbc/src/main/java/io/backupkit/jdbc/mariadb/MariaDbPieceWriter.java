package io.backupkit.jdbc.mariadb;

import io.backupkit.api.RestoreException;
import io.backupkit.api.internal.CountingDigestOutputStream;
import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.LargeValues;
import io.backupkit.jdbc.internal.PieceWriter;
import io.backupkit.jdbc.internal.RowReader;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.ValueType;
import java.io.IOException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MariaDB/MySQL values over {@link LargeValues#PIECE_BYTES} written in pieces: each piece is appended to a session
 * variable ({@code SET @v = CONCAT(@v, ?)}, every statement far below {@code max_allowed_packet}), then the row is
 * inserted with the variable in the value's place. The server holds the value, the client one piece. A value cannot be
 * larger than {@code max_allowed_packet} on the server ({@code CONCAT} past it yields NULL with only a warning): the
 * limit is checked before the first piece is sent, and the assembled value's length and SHA-256 are checked against
 * what was sent before the row is written. (Appending to the row itself would rewrite the whole value in InnoDB for
 * every piece, and address the row by a key the staging table has no index for yet.)
 */
final class MariaDbPieceWriter implements PieceWriter {
    private final Dialect dialect;
    private final Connection c;
    private final String table;
    /** Staged column index -> the SQL expression of its assembled value. */
    private final Map<Integer, String> staged = new LinkedHashMap<>();
    private long maxAllowedPacket = -1;

    MariaDbPieceWriter(Dialect dialect, Connection c, String table) {
        this.dialect = dialect;
        this.c = c;
        this.table = table;
    }

    /** The refusal when a value is larger than the server's {@code max_allowed_packet}. */
    static RestoreException tooLarge(String table, String column, long bytes, long packet, boolean nothingChanged) {
        return new RestoreException("table " + table + " column " + column + " holds a value of " + bytes
                + " bytes, but the target server's max_allowed_packet is " + packet + " bytes: MariaDB and MySQL cannot"
                + " build a value larger than max_allowed_packet. Raise it to at least " + bytes
                + " (SET GLOBAL max_allowed_packet = 1073741824, or max_allowed_packet = 1G under [mysqld] in the"
                + " server's configuration; new connections take it) and restore again."
                + (nothingChanged ? " Nothing was changed." : ""));
    }

    static long maxAllowedPacket(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@max_allowed_packet")) {
            return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
        }
    }

    @Override
    public void stage(int index, Column column, RowReader.LargeBytes value) throws SQLException, IOException {
        if (maxAllowedPacket < 0) {
            maxAllowedPacket = maxAllowedPacket(c);
        }
        if (value.length() > maxAllowedPacket) {
            throw tooLarge(table, column.name(), value.length(), maxAllowedPacket, false);
        }
        String var = variable(index);
        MessageDigest sha = CountingDigestOutputStream.newSha256();
        // a piece travels escaped (up to twice its size) in one statement
        int piece = (int) Math.max(1024, Math.min(LargeValues.PIECE_BYTES, (maxAllowedPacket - 4096) / 2));
        try (Statement st = c.createStatement()) {
            st.execute("SET " + var + " = CAST('' AS BINARY)");
        }
        try (PreparedStatement append = c.prepareStatement("SET " + var + " = CONCAT(" + var + ", ?)")) {
            byte[] buf = new byte[(int) Math.min(piece, value.length())];
            long left = value.length();
            while (left > 0) {
                int n = value.in().readNBytes(buf, 0, (int) Math.min(buf.length, left));
                if (n <= 0) {
                    throw new IOException("the backup's value of column " + column.name() + " ended "
                            + left + " bytes early: truncated");
                }
                sha.update(buf, 0, n);
                append.setBytes(1, n == buf.length ? buf : Arrays.copyOf(buf, n));
                append.execute();
                left -= n;
            }
        }
        String expected = HexFormat.of().formatHex(sha.digest());
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT LENGTH(" + var + "), SHA2(" + var + ", 256)")) {
            rs.next();
            long length = rs.getLong(1);
            boolean nul = rs.wasNull();
            String hash = rs.getString(2);
            if (nul || length != value.length() || !expected.equalsIgnoreCase(hash)) {
                throw new RestoreException("table " + table + " column " + column.name() + ": the value of "
                        + value.length() + " bytes sent in pieces arrived as " + (nul ? "NULL (over the server's"
                        + " max_allowed_packet of " + maxAllowedPacket + " bytes?)" : length + " bytes with SHA-256 "
                        + hash + " instead of " + expected));
            }
        }
        staged.put(index, column.valueType() == ValueType.BYTES ? var : "CONVERT(" + var + " USING utf8mb4)");
    }

    @Override
    public boolean hasStaged() {
        return !staged.isEmpty();
    }

    @Override
    public void writeRow(String sql, List<Column> columns, Object[] values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(withStagedValues(sql))) {
            int p = 1;
            for (int i = 0; i < columns.size(); i++) {
                if (!staged.containsKey(i)) {
                    dialect.bindValue(ps, p++, columns.get(i), values[i]);
                }
            }
            ps.executeUpdate();
            List<String> warnings = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW WARNINGS LIMIT 5")) {
                while (rs.next()) {
                    if (!"Note".equalsIgnoreCase(rs.getString(1))) {
                        warnings.add(rs.getString(3));
                    }
                }
            }
            if (!warnings.isEmpty()) {
                throw new SQLException("the server changed the row's values: " + String.join("; ", warnings));
            }
        } finally {
            try (Statement st = c.createStatement()) {
                for (int index : staged.keySet()) {
                    st.execute("SET " + variable(index) + " = NULL"); // the server frees the value
                }
            }
            staged.clear();
        }
    }

    /** {@code sql} with the parameter markers of the staged columns (the n-th marker is the n-th column) replaced. */
    private String withStagedValues(String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 64);
        int marker = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
                out.append(ch);
            } else if (ch == '`' || ch == '\'' || ch == '"') {
                quote = ch;
                out.append(ch);
            } else if (ch == '?') {
                String expr = staged.get(marker++);
                out.append(expr == null ? "?" : expr);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static String variable(int index) {
        return "@backupkit_v" + index;
    }
}
