package io.backupkit.jdbc.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.DumpException;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Values over {@link #PIECE_BYTES} read in pieces, so that one huge {@code LONGBLOB} or {@code LONGTEXT} does not have
 * to fit in the heap: drivers (MariaDB Connector/J, pgjdbc) hold a whole row in memory, and a dump may run next to an
 * application in a small heap. For dialects that name a {@link Dialect#lengthExpression length} and a
 * {@link Dialect#pieceExpression piece} expression (MariaDB/MySQL):
 * <ol>
 *   <li>the table's one streaming {@code SELECT} returns such a column's value only up to the threshold, and its
 *       length when it is over it;</li>
 *   <li>a row with a value over it is set aside: its key (primary key, or a unique key of NOT NULL columns) goes to a
 *       temporary file, because the driver cannot run another query while a streaming result is open;</li>
 *   <li>after the scan, still in the dump's snapshot transaction, each set-aside row is read again by its key with its
 *       large values fetched piece by piece ({@code SUBSTRING}) straight into the row file.</li>
 * </ol>
 * Rows with large values so come after the others in the table's data; the restore does not depend on row order.
 * The largest value per column over the threshold is recorded in the manifest ({@link #META_LARGEST}) so that a
 * restore can refuse, before changing anything, a server that cannot hold it.
 */
public final class LargeValues {
    /** Values longer than this many bytes are read and written in pieces of at most this size (4 MiB). */
    public static final int PIECE_BYTES = 4 << 20;
    /** Manifest metadata key: per table, per column, the largest value over {@link #PIECE_BYTES}, in bytes (JSON). */
    public static final String META_LARGEST = "largeValues";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dialect dialect;
    private final Table table;
    private final List<Column> columns;
    /** Indexes (into {@link #columns}) of the columns whose values may be over the threshold. */
    private final List<Integer> large = new ArrayList<>();
    private final Key key;
    private final Map<String, Long> largest = new LinkedHashMap<>();
    private Path spool;
    private RowWriter spoolWriter;
    private OutputStream spoolOut;

    private LargeValues(Dialect dialect, Table table, List<Column> columns) {
        this.dialect = dialect;
        this.table = table;
        this.columns = columns;
        for (int i = 0; i < columns.size(); i++) {
            if (dialect.lengthExpression(columns.get(i)) != null) {
                large.add(i);
            }
        }
        this.key = addressingKey(table, columns).orElse(null);
    }

    /** The reader for a table's dump, or empty when the dialect or the table's columns need none. */
    static Optional<LargeValues> forDump(Dialect dialect, Table table, List<Column> columns) {
        LargeValues lv = new LargeValues(dialect, table, columns);
        return lv.large.isEmpty() ? Optional.empty() : Optional.of(lv);
    }

    /** The primary key, else the first unique key of NOT NULL columns, whose columns are all dumped. */
    private static Optional<Key> addressingKey(Table t, List<Column> dumped) {
        List<Key> candidates = new ArrayList<>();
        if (t.primaryKey() != null) {
            candidates.add(t.primaryKey());
        }
        candidates.addAll(t.uniqueKeys());
        for (Key k : candidates) {
            boolean usable = k.columns().stream().allMatch(name -> dumped.stream()
                    .anyMatch(c -> c.name().equals(name) && (!c.nullable() || k == t.primaryKey())));
            if (usable) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The SELECT of the table's scan: the dumped columns (large ones only up to the threshold), then the lengths. */
    String scanSql() {
        return "SELECT " + selectList() + " FROM " + dialect.qualify(table);
    }

    private String selectList() {
        List<String> exprs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String length = dialect.lengthExpression(c);
            exprs.add(length == null ? dialect.selectExpression(c)
                    : "CASE WHEN " + length + " > " + PIECE_BYTES + " THEN NULL ELSE " + dialect.selectExpression(c) + " END");
        }
        for (int i : large) {
            String length = dialect.lengthExpression(columns.get(i));
            exprs.add("CASE WHEN " + length + " > " + PIECE_BYTES + " THEN " + length + " END");
        }
        return String.join(", ", exprs);
    }

    /**
     * Whether the scan's current row has a value over the threshold; if so its key was set aside for
     * {@link #writeSetAside}, and the caller skips the row.
     */
    boolean setAside(ResultSet rs) throws SQLException, IOException {
        boolean any = false;
        for (int j = 0; j < large.size(); j++) {
            long length = rs.getLong(columns.size() + 1 + j);
            if (!rs.wasNull()) {
                Column c = columns.get(large.get(j));
                largest.merge(c.name(), length, Math::max);
                if (key == null) {
                    throw new DumpException("table " + table.qualifiedName() + " holds a value of " + length
                            + " bytes in column " + c.name() + ": values over " + PIECE_BYTES + " bytes are read in"
                            + " pieces addressed by the row's key, and the table has no primary key or unique key on"
                            + " NOT NULL columns. Add one (ALTER TABLE " + dialect.qualify(table) + " ADD PRIMARY KEY"
                            + " (...)) or leave the table out of the backup (tables exclude).");
                }
                any = true;
            }
        }
        if (any) {
            if (spoolWriter == null) {
                spool = Files.createTempFile("backupkit-large-rows-", ".keys");
                spoolOut = Files.newOutputStream(spool);
                spoolWriter = new RowWriter(spoolOut, key.columns(), key.columns().stream()
                        .map(n -> column(n).valueType()).toList());
            }
            spoolWriter.startRow();
            for (String name : key.columns()) {
                spoolWriter.value(dialect.readValue(rs, columns.indexOf(column(name)) + 1, column(name)));
            }
        }
        return any;
    }

    private Column column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Writes the rows set aside during the scan (which must be closed: this queries the same connection), their large
     * values fetched piece by piece; deletes the temporary key file.
     */
    void writeSetAside(Connection c, RowWriter w, ValueWriter values) throws SQLException, IOException {
        if (spoolWriter == null) {
            return;
        }
        try {
            spoolWriter.close();
            String where = key.columns().stream().map(n -> dialect.quote(n) + " = ?")
                    .reduce((a, b) -> a + " AND " + b).orElseThrow();
            int piece = pieceSize(c);
            try (InputStream in = Files.newInputStream(spool); RowReader keys = new RowReader(in);
                 PreparedStatement row = c.prepareStatement("SELECT " + selectList() + " FROM " + dialect.qualify(table)
                         + " WHERE " + where)) {
                Object[] k = new Object[key.columns().size()];
                while (keys.next(k)) {
                    bindKey(row, 0, k);
                    try (ResultSet rs = row.executeQuery()) {
                        if (!rs.next()) {
                            throw new DumpException("table " + table.qualifiedName() + ": the row with key "
                                    + java.util.Arrays.toString(k) + " seen in the snapshot could not be read again");
                        }
                        w.startRow();
                        for (int i = 0; i < columns.size(); i++) {
                            int j = large.indexOf(i);
                            long length = j < 0 ? 0 : rs.getLong(columns.size() + 1 + j);
                            if (j < 0 || rs.wasNull()) {
                                values.write(rs, i + 1, columns.get(i), w);
                            } else {
                                writePieces(c, columns.get(i), length, k, where, piece, w);
                            }
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** How {@link AbstractJdbcDumper#dumpTable} writes one value of a result row. */
    interface ValueWriter {
        void write(ResultSet rs, int i, Column c, RowWriter w) throws SQLException, IOException;
    }

    private void writePieces(Connection c, Column col, long length, Object[] key, String where, int piece, RowWriter w)
            throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + dialect.pieceExpression(col) + " FROM "
                + dialect.qualify(table) + " WHERE " + where)) {
            InputStream in = new InputStream() {
                private byte[] buf = new byte[0];
                private int at;
                private long next = 1; // 1-based position of the next piece

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (at == buf.length) {
                        if (next > length) {
                            return -1;
                        }
                        buf = fetch(ps, next, (int) Math.min(piece, length - next + 1), key);
                        at = 0;
                        next += buf.length;
                        if (buf.length == 0) {
                            return -1;
                        }
                    }
                    int n = Math.min(len, buf.length - at);
                    System.arraycopy(buf, at, b, off, n);
                    at += n;
                    return n;
                }
            };
            if (col.valueType() == ValueType.BYTES) {
                w.bytesValue(in, length);
            } else {
                w.textValue(in, length);
            }
        }
    }

    private byte[] fetch(PreparedStatement ps, long position, int count, Object[] key) throws IOException {
        try {
            ps.setLong(1, position);
            ps.setInt(2, count);
            bindKey(ps, 2, key);
            try (ResultSet rs = ps.executeQuery()) {
                byte[] b = rs.next() ? rs.getBytes(1) : null;
                return b == null ? new byte[0] : b;
            }
        } catch (SQLException e) {
            throw new IOException("reading bytes " + position + " to " + (position + count - 1) + " of a value of table "
                    + table.qualifiedName() + " failed: " + e.getMessage(), e);
        }
    }

    private void bindKey(PreparedStatement ps, int offset, Object[] key) throws SQLException {
        for (int i = 0; i < key.length; i++) {
            dialect.bindValue(ps, offset + i + 1, column(this.key.columns().get(i)), key[i]);
        }
    }

    /**
     * Pieces no larger than half the server's packet limit (a piece travels in one result packet). MySQL-like servers
     * only, the ones whose dialect reads in pieces today; a dialect of an engine that aborts a transaction on a failed
     * statement (PostgreSQL) must not come here.
     */
    private static int pieceSize(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@max_allowed_packet")) {
            long packet = rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
            return (int) Math.max(64 * 1024, Math.min(PIECE_BYTES, packet / 2));
        } catch (SQLException e) {
            return PIECE_BYTES; // not MySQL-like: the piece size as it is
        }
    }

    /** The largest value over the threshold per column seen in this table's dump (empty if none). */
    Map<String, Long> largest() {
        return largest;
    }

    /** Closes the temporary key file after a failed scan. */
    void discard() {
        try {
            if (spoolOut != null) {
                spoolOut.close();
            }
            if (spool != null) {
                Files.deleteIfExists(spool);
            }
        } catch (IOException e) {
            // a temporary file left behind; nothing else to do
        }
    }

    // ------------------------------------------------------------------ manifest metadata

    /** The {@link #META_LARGEST} value for the tables' largest values (table -> column -> bytes). */
    public static String toMetadata(Map<String, Map<String, Long>> largestByTable) {
        try {
            return JSON.writeValueAsString(largestByTable);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The largest values a backup recorded (table -> column -> bytes); empty for backups that recorded none. */
    public static Map<String, Map<String, Long>> fromMetadata(Map<String, String> metadata) {
        String json = metadata.get(META_LARGEST);
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Map<String, Long>>>() { });
        } catch (IOException e) {
            return Map.of(); // unreadable: each value is checked when it is written
        }
    }
}
