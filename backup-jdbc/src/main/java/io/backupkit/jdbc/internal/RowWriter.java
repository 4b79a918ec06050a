package io.backupkit.jdbc.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Writes one table's rows in the BackupKit row format, streaming (see {@code docs/FORMAT.md}, "JDBC row files"):
 * <pre>
 * header : "BKROWS" 0x01 | varint column count | per column: string name, byte value-type tag
 * row    : 0x01 | per column: 0x00 (NULL) or 0x01 + payload of the column's {@link ValueType}
 * end    : 0x00 | varint row count        (a truncated file is detected on read)
 * </pre>
 * Not thread-safe: one writer per table.
 */
public final class RowWriter implements AutoCloseable {
    static final byte[] MAGIC = {'B', 'K', 'R', 'O', 'W', 'S', 1};

    private final OutputStream out;
    private final List<ValueType> types;
    private final byte[] scratch = new byte[16];
    private long rows;
    private int column;
    private boolean finished;

    public RowWriter(OutputStream out, List<String> names, List<ValueType> types) throws IOException {
        if (names.size() != types.size()) {
            throw new IllegalArgumentException(names.size() + " column names but " + types.size() + " types");
        }
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.types = List.copyOf(types);
        this.out.write(MAGIC);
        writeVarLong(names.size());
        for (int i = 0; i < names.size(); i++) {
            writeString(names.get(i));
            this.out.write(types.get(i).tag());
        }
    }

    /** Starts a row; then exactly one {@code value*} call per column. */
    public void startRow() throws IOException {
        if (column != 0 && column != types.size()) {
            throw new IllegalStateException("previous row has " + column + " of " + types.size() + " values");
        }
        out.write(1);
        column = 0;
        rows++;
    }

    public void nullValue() throws IOException {
        next();
        out.write(0);
    }

    /** Writes a value of the column's type; {@code null} writes NULL. Accepted Java types are listed per case. */
    public void value(Object value) throws IOException {
        ValueType type = next();
        if (value == null) {
            out.write(0);
            return;
        }
        out.write(1);
        writePayload(type, value);
    }

    /** Writes a BYTES (or DYNAMIC blob) value of known length from a stream, without holding it in memory. */
    public void bytesValue(InputStream in, long length) throws IOException {
        streamValue(in, length, ValueType.BYTES, 4);
    }

    /** Writes a STRING (or DYNAMIC text) value from a stream of its {@code length} UTF-8 bytes, without holding it. */
    public void textValue(InputStream utf8, long length) throws IOException {
        streamValue(utf8, length, ValueType.STRING, 3);
    }

    private void streamValue(InputStream in, long length, ValueType expected, int dynamicStorage) throws IOException {
        ValueType type = next();
        if (in == null) {
            out.write(0);
            return;
        }
        out.write(1);
        if (type == ValueType.DYNAMIC) {
            out.write(dynamicStorage);
        } else if (type != expected) {
            throw new IllegalStateException("column " + column + " is " + type + ", not " + expected);
        }
        writeVarLong(length);
        byte[] buf = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("large value ended after " + (length - left) + " of " + length + " bytes");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private ValueType next() {
        if (column >= types.size()) {
            throw new IllegalStateException("row already has all " + types.size() + " values");
        }
        return types.get(column++);
    }

    private void writePayload(ValueType type, Object v) throws IOException {
        switch (type) {
            case BOOLEAN -> out.write(((Boolean) v) ? 1 : 0);
            case INTEGER -> writeZigZag(((Number) v).longValue());
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) v;
                writeZigZag(d.scale());
                writeBytes(d.unscaledValue().toByteArray());
            }
            case FLOAT -> writeInt(Float.floatToRawIntBits(((Number) v).floatValue()));
            case DOUBLE -> writeLong(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case STRING -> writeString(v.toString());
            case BYTES -> writeBytes((byte[]) v);
            case DATE -> writeZigZag(((LocalDate) v).toEpochDay());
            case TIME -> writeVarLong(((LocalTime) v).toNanoOfDay());
            case TIMESTAMP -> {
                LocalDateTime t = (LocalDateTime) v;
                writeZigZag(t.toEpochSecond(ZoneOffset.UTC));
                writeVarLong(t.getNano());
            }
            case TIMESTAMP_TZ -> {
                OffsetDateTime t = (OffsetDateTime) v;
                writeZigZag(t.toEpochSecond());
                writeVarLong(t.getNano());
                writeZigZag(t.getOffset().getTotalSeconds());
            }
            case TIME_TZ -> {
                OffsetTime t = (OffsetTime) v;
                writeVarLong(t.toLocalTime().toNanoOfDay());
                writeZigZag(t.getOffset().getTotalSeconds());
            }
            case UUID -> {
                UUID u = (UUID) v;
                writeLong(u.getMostSignificantBits());
                writeLong(u.getLeastSignificantBits());
            }
            case DYNAMIC -> {
                if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                    out.write(1);
                    writeZigZag(((Number) v).longValue());
                } else if (v instanceof Double || v instanceof Float) {
                    out.write(2);
                    writeLong(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                } else if (v instanceof byte[] b) {
                    out.write(4);
                    writeBytes(b);
                } else {
                    out.write(3);
                    writeString(v.toString());
                }
            }
            default -> throw new IllegalStateException("unhandled value type " + type);
        }
    }

    /** Ends the data (writes the end marker and row count) and flushes; does not close the underlying stream. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        if (column != 0 && column != types.size()) {
            throw new IllegalStateException("last row has " + column + " of " + types.size() + " values");
        }
        out.write(0);
        writeVarLong(rows);
        out.flush();
        finished = true;
    }

    public long rows() {
        return rows;
    }

    /** Finishes and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }

    private void writeString(String s) throws IOException {
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void writeBytes(byte[] b) throws IOException {
        writeVarLong(b.length);
        out.write(b);
    }

    private void writeZigZag(long v) throws IOException {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    private void writeVarLong(long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void writeInt(int v) throws IOException {
        for (int i = 0; i < 4; i++) {
            scratch[i] = (byte) (v >>> (24 - 8 * i));
        }
        out.write(scratch, 0, 4);
    }

    private void writeLong(long v) throws IOException {
        for (int i = 0; i < 8; i++) {
            scratch[i] = (byte) (v >>> (56 - 8 * i));
        }
        out.write(scratch, 0, 8);
    }
}
