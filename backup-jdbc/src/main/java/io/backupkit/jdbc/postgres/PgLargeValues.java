package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.LargeValues;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A table's COPY when it has {@code bytea}, {@code text} or {@code varchar} columns, whose values may be too large for
 * the heap: pgjdbc receives each row of a {@code COPY TO STDOUT} as one message, whole (a 200 MB {@code bytea} is a
 * 200 MB array, in text format 400 MB). So:
 * for a table that has such a value (asked first, {@link #applies}: other tables keep the plain COPY):
 * <ol>
 *   <li>the table's COPY selects such a column's value only up to {@link LargeValues#PIECE_BYTES}, and an extra last
 *       column holding the row's {@code ctid} when one of its values is over it; a filter drops that column, and the
 *       rows that have a {@code ctid} there, from the stream written to the backup;</li>
 *   <li>after the COPY, on the same connection and in the same snapshot, each such row is read again by its
 *       {@code ctid} (stable in the snapshot: the dump's ACCESS SHARE lock keeps VACUUM FULL and CLUSTER away) and
 *       written to the stream in the same COPY format, its large values fetched with {@code substring} piece by
 *       piece.</li>
 * </ol>
 * The backup's data is the same COPY stream as without this (rows with large values at its end), so restore needs
 * nothing: COPY FROM STDIN takes it in 64 KiB writes whatever the size of a row.
 */
final class PgLargeValues {
    private static final int TEXT_PIECE_CHARS = LargeValues.PIECE_BYTES / 4;
    private static final byte[] TRAILER = {-1, -1};

    private final Connection c;
    private final PostgresDialect dialect;
    private final Table table;
    private final List<Column> columns;
    private final boolean binary;
    /** Indexes of the columns whose values may be over the threshold. */
    private final List<Integer> large = new ArrayList<>();
    private final Map<String, Long> largest = new LinkedHashMap<>();

    private PgLargeValues(Connection c, PostgresDialect dialect, Table table, List<Column> columns, boolean binary) {
        this.c = c;
        this.dialect = dialect;
        this.table = table;
        this.columns = columns;
        this.binary = binary;
        for (int i = 0; i < columns.size(); i++) {
            if (mayBeLarge(columns.get(i))) {
                large.add(i);
            }
        }
    }

    private static boolean mayBeLarge(Column col) {
        String type = col.nativeType().toLowerCase(Locale.ROOT);
        if (type.equals("bytea")) {
            return true;
        }
        boolean text = type.equals("text") || type.startsWith("character varying");
        return text && (col.size() == null || col.size() <= 0 || col.size() * 4L > LargeValues.PIECE_BYTES);
    }

    /**
     * Whether the table has a value over the threshold, in the connection's snapshot. Asked first because the capped
     * COPY costs: measured on 1.5 M rows of text, varchar and bytea (loaded 2-core machine), a binary dump took
     * 6.0 s through it against 4.0 s for the plain COPY (text format 5.1 against 4.5 s). With this scan first (it
     * reads only the values' headers) the dump of that table took 2.9 s against 3.3 s before the change, i.e. noise.
     */
    static boolean applies(Connection c, PostgresDialect dialect, Table t, List<Column> columns) throws SQLException {
        if (columns.stream().noneMatch(PgLargeValues::mayBeLarge)) {
            return false;
        }
        PgLargeValues lv = new PgLargeValues(c, dialect, t, columns, false);
        try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM ONLY "
                + dialect.qualify(t) + " WHERE " + lv.anyLarge() + " LIMIT 1")) {
            return rs.next();
        }
    }

    private String anyLarge() {
        return String.join(" OR ", large.stream().map(i -> "octet_length(" + quoted(i) + ") > "
                + LargeValues.PIECE_BYTES).toList());
    }

    /**
     * Copies the table to {@code out} as {@link PostgresSupport#copyOut} would, large values in pieces.
     *
     * @return the row count
     */
    static long copyOut(Connection c, PostgresDialect dialect, Table t, List<Column> columns, boolean binary,
                        OutputStream out, Runnable checkCancelled, Map<String, Long> largestOut)
            throws SQLException, IOException {
        PgLargeValues lv = new PgLargeValues(c, dialect, t, columns, binary);
        long rows = lv.copy(out, checkCancelled);
        largestOut.putAll(lv.largest);
        return rows;
    }

    private String quoted(int i) {
        return dialect.quote(columns.get(i).name());
    }

    private String cappedColumns() {
        List<String> exprs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            exprs.add(large.contains(i) ? "CASE WHEN octet_length(" + quoted(i) + ") > " + LargeValues.PIECE_BYTES
                    + " THEN NULL ELSE " + quoted(i) + " END" : quoted(i));
        }
        return String.join(", ", exprs);
    }

    private String copySql(String select) {
        return "COPY (" + select + ") TO STDOUT" + (binary ? " (FORMAT binary)" : "");
    }

    private long copy(OutputStream out, Runnable checkCancelled) throws SQLException, IOException {
        String scan = "SELECT " + cappedColumns() + ", CASE WHEN " + anyLarge() + " THEN ctid::text END FROM ONLY "
                + dialect.qualify(table);
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        CopyFilter filter = new CopyFilter(out, binary, columns.size(), checkCancelled);
        long rows = copy.copyOut(copySql(scan), filter);
        filter.finish();
        for (String ctid : filter.setAside) {
            checkCancelled.run();
            writeLargeRow(copy, ctid, out);
        }
        if (binary) {
            out.write(TRAILER);
        }
        return rows;
    }

    /** One row with large values, read again by its ctid, written as COPY would write it. */
    private void writeLargeRow(CopyManager copy, String ctid, OutputStream out) throws SQLException, IOException {
        List<String> lengths = new ArrayList<>();
        for (int i : large) {
            Column col = columns.get(i);
            String bytes = col.valueType() == io.backupkit.jdbc.internal.ValueType.BYTES ? quoted(i)
                    : "convert_to(" + quoted(i) + ", 'UTF8')"; // COPY sends text in the client encoding, UTF-8
            lengths.add("CASE WHEN octet_length(" + quoted(i) + ") > " + LargeValues.PIECE_BYTES + " THEN octet_length("
                    + bytes + ") END");
        }
        String row = "SELECT " + cappedColumns() + ", " + String.join(", ", lengths) + " FROM ONLY "
                + dialect.qualify(table) + " WHERE ctid = " + dialect.literal(ctid) + "::tid";
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        copy.copyOut(copySql(row), one);
        List<byte[]> fields = CopyFilter.fieldsOfOnlyRow(one.toByteArray(), binary, columns.size() + large.size());
        if (fields.isEmpty()) {
            throw new SQLException("table " + table.qualifiedName() + ": the row at " + ctid
                    + " seen in the snapshot could not be read again");
        }
        if (binary) {
            out.write(new byte[] {(byte) (columns.size() >>> 8), (byte) columns.size()});
        }
        for (int i = 0; i < columns.size(); i++) {
            int j = large.indexOf(i);
            byte[] length = j < 0 ? null : fields.get(columns.size() + j);
            if (!binary && i > 0) {
                out.write('\t');
            }
            if (length == null) {
                if (binary) {
                    byte[] f = fields.get(i);
                    writeInt(out, f == null ? -1 : f.length);
                    if (f != null) {
                        out.write(f);
                    }
                } else {
                    out.write(fields.get(i) == null ? new byte[] {'\\', 'N'} : fields.get(i));
                }
            } else {
                long bytes = Long.parseLong(new String(binaryInt8(length, binary), StandardCharsets.US_ASCII));
                largest.merge(columns.get(i).name(), bytes, Math::max);
                writePieces(i, ctid, bytes, out);
            }
        }
        if (!binary) {
            out.write('\n');
        }
    }

    /** A length field as decimal text: COPY text gives it so; binary COPY gives an 8-byte big-endian bigint. */
    private static byte[] binaryInt8(byte[] field, boolean binary) {
        if (!binary) {
            return field;
        }
        long v = 0;
        for (byte b : field) {
            v = (v << 8) | (b & 0xFF);
        }
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private void writePieces(int i, String ctid, long bytes, OutputStream out) throws SQLException, IOException {
        boolean isBytes = columns.get(i).valueType() == io.backupkit.jdbc.internal.ValueType.BYTES;
        if (binary) {
            if (bytes > Integer.MAX_VALUE) {
                throw new IOException("a value of " + bytes + " bytes does not fit a binary COPY field");
            }
            writeInt(out, (int) bytes);
        } else if (isBytes) {
            out.write(new byte[] {'\\', '\\', 'x'});
        }
        long written = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT substring(" + quoted(i) + " from ? for ?) FROM ONLY "
                + dialect.qualify(table) + " WHERE ctid = ?::tid")) {
            long position = 1;
            while (true) {
                ps.setInt(1, (int) position); // substring takes int positions; a value is at most 1 GB
                ps.setInt(2, isBytes ? LargeValues.PIECE_BYTES : TEXT_PIECE_CHARS);
                ps.setString(3, ctid);
                byte[] piece;
                long advance;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (isBytes) {
                        piece = rs.getBytes(1);
                        advance = piece == null ? 0 : piece.length;
                    } else {
                        String s = rs.getString(1);
                        piece = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
                        advance = s == null ? 0 : s.codePointCount(0, s.length());
                    }
                }
                if (piece == null || piece.length == 0) {
                    break;
                }
                written += piece.length;
                if (binary) {
                    out.write(piece);
                } else if (isBytes) {
                    out.write(HexFormat.of().formatHex(piece).getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(CopyFilter.escapeText(piece));
                }
                position += advance;
            }
        }
        if (written != bytes) {
            throw new IOException("table " + table.qualifiedName() + ", column " + columns.get(i).name() + ": read "
                    + written + " of the " + bytes + " bytes of the value at " + ctid);
        }
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /**
     * Passes a COPY stream through without its last column; rows whose last column is not NULL are left out and their
     * value (a ctid) kept. The binary trailer is left out too (the caller writes it after the rows it adds).
     */
    static final class CopyFilter extends OutputStream {
        private static final int HEADER = 19; // signature (11), flags (4), header extension length (4)
        private final OutputStream out;
        private final boolean binary;
        private final int keep;
        private final Runnable checkCancelled;
        final List<String> setAside = new ArrayList<>();
        private byte[] buf = new byte[64 * 1024];
        private int len;
        private boolean headerDone;
        private boolean ended;
        private long sinceCheck;

        CopyFilter(OutputStream out, boolean binary, int keep, Runnable checkCancelled) {
            this.out = out;
            this.binary = binary;
            this.keep = keep;
            this.checkCancelled = checkCancelled;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
            int used = binary ? binaryRows() : textRows();
            System.arraycopy(buf, used, buf, 0, len - used);
            len -= used;
            if (buf.length > (1 << 20) && len < buf.length / 4) {
                buf = Arrays.copyOf(buf, Math.max(64 * 1024, len)); // a large row passed: give the memory back
            }
            sinceCheck += n;
            if (sinceCheck > (4 << 20)) {
                sinceCheck = 0;
                checkCancelled.run();
            }
        }

        private int textRows() throws IOException {
            int start = 0;
            for (int i = 0; i < len; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                int tab = i - 1;
                while (buf[tab] != '\t') {
                    tab--;
                }
                if (i - tab - 1 == 2 && buf[tab + 1] == '\\' && buf[tab + 2] == 'N') {
                    out.write(buf, start, tab - start);
                    out.write('\n');
                } else {
                    setAside.add(new String(buf, tab + 1, i - tab - 1, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
            return start;
        }

        private int binaryRows() throws IOException {
            int at = 0;
            if (!headerDone) {
                if (len < HEADER) {
                    return 0;
                }
                int extension = readInt(buf, 15);
                if (len < HEADER + extension) {
                    return 0;
                }
                out.write(buf, 0, HEADER + extension);
                headerDone = true;
                at = HEADER + extension;
            }
            while (!ended && len - at >= 2) {
                int fields = (short) (((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF));
                if (fields == -1) {
                    ended = true;
                    return len; // the trailer: written by the caller after its rows
                }
                int p = at + 2;
                int lastStart = -1;
                int lastLength = -1;
                boolean complete = true;
                for (int f = 0; f < fields; f++) {
                    if (len - p < 4) {
                        complete = false;
                        break;
                    }
                    int flen = readInt(buf, p);
                    if (f == fields - 1) {
                        lastStart = p;
                        lastLength = flen;
                    }
                    p += 4;
                    if (flen > 0) {
                        if (len - p < flen) {
                            complete = false;
                            break;
                        }
                        p += flen;
                    }
                }
                if (!complete) {
                    break;
                }
                if (lastLength < 0) {
                    out.write((byte) (keep >>> 8));
                    out.write((byte) keep);
                    out.write(buf, at + 2, lastStart - at - 2);
                } else {
                    setAside.add(new String(buf, lastStart + 4, lastLength, StandardCharsets.UTF_8));
                }
                at = p;
            }
            return at;
        }

        void finish() throws IOException {
            if (len != 0 && !ended) {
                throw new IOException("the COPY stream ended in the middle of a row (" + len + " bytes left)");
            }
        }

        /** The fields of a one-row COPY stream (null for NULL); empty when it has no row. */
        static List<byte[]> fieldsOfOnlyRow(byte[] data, boolean binary, int count) throws IOException {
            List<byte[]> fields = new ArrayList<>();
            if (binary) {
                int p = HEADER + readInt(data, 15);
                int n = (short) (((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF));
                if (n == -1) {
                    return fields;
                }
                p += 2;
                for (int f = 0; f < n; f++) {
                    int flen = readInt(data, p);
                    p += 4;
                    fields.add(flen < 0 ? null : Arrays.copyOfRange(data, p, p + flen));
                    p += Math.max(0, flen);
                }
            } else {
                if (data.length == 0) {
                    return fields;
                }
                int start = 0;
                for (int i = 0; i <= data.length - 1; i++) {
                    if (data[i] == '\t' || data[i] == '\n') {
                        byte[] f = Arrays.copyOfRange(data, start, i);
                        fields.add(f.length == 2 && f[0] == '\\' && f[1] == 'N' ? null : f);
                        start = i + 1;
                        if (data[i] == '\n') {
                            break;
                        }
                    }
                }
            }
            if (fields.size() != count) {
                throw new IOException("a COPY row of " + fields.size() + " fields where " + count + " were selected");
            }
            return fields;
        }

        /** UTF-8 text as COPY's text format writes it: backslash, tab, newline, CR and the other controls escaped. */
        static byte[] escapeText(byte[] utf8) {
            ByteArrayOutputStream o = new ByteArrayOutputStream(utf8.length + 64);
            for (byte b : utf8) {
                switch (b) {
                    case '\\' -> o.writeBytes(new byte[] {'\\', '\\'});
                    case '\t' -> o.writeBytes(new byte[] {'\\', 't'});
                    case '\n' -> o.writeBytes(new byte[] {'\\', 'n'});
                    case '\r' -> o.writeBytes(new byte[] {'\\', 'r'});
                    case '\b' -> o.writeBytes(new byte[] {'\\', 'b'});
                    case '\f' -> o.writeBytes(new byte[] {'\\', 'f'});
                    case 0x0B -> o.writeBytes(new byte[] {'\\', 'v'});
                    default -> o.write(b);
                }
            }
            return o.toByteArray();
        }

        private static int readInt(byte[] b, int p) {
            return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
        }
    }
}
