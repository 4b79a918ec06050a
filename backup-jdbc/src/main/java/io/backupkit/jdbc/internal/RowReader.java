package io.backupkit.jdbc.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Reads a file written by {@link RowWriter}, one row at a time. Values come back as the Java types
 * {@link RowWriter#value} accepts (INTEGER as {@link Long}, DYNAMIC as Long/Double/String/byte[]).
 * A truncated or corrupt file is an {@link IOException} saying so.
 */
public final class RowReader implements AutoCloseable {
    /** Longest single value accepted (a corrupt length must not allocate gigabytes). */
    static final long MAX_VALUE_BYTES = Integer.MAX_VALUE - 16;

    private final InputStream in;
    private final List<String> names;
    private final List<ValueType> types;
    private long rows;
    private boolean ended;

    public RowReader(InputStream in) throws IOException {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
        byte[] magic = readFully(RowWriter.MAGIC.length);
        if (!Arrays.equals(magic, RowWriter.MAGIC)) {
            throw new IOException("not a BackupKit row file (bad magic)");
        }
        int count = (int) readVarLong();
        List<String> n = new ArrayList<>(count);
        List<ValueType> t = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            n.add(readString());
            t.add(ValueType.ofTag(readByte()));
        }
        names = List.copyOf(n);
        types = List.copyOf(t);
    }

    public List<String> columnNames() {
        return names;
    }

    public List<ValueType> columnTypes() {
        return types;
    }

    /**
     * Reads the next row into {@code values} (length = column count).
     *
     * @return false at the end of the data, after checking the recorded row count
     */
    public boolean next(Object[] values) throws IOException {
        Arrays.fill(values, null); // let the previous row's large values go before reading the next
        if (!startRow()) {
            return false;
        }
        for (int i = 0; i < types.size(); i++) {
            values[i] = readValue(i, Long.MAX_VALUE);
        }
        return true;
    }

    /** A binary value (or the UTF-8 of a text value) left in the stream for the caller to read, exactly {@code length} bytes. */
    public record LargeBytes(InputStream in, long length) {
    }

    private BoundedStream pending;

    /**
     * Starts reading the next row value by value (then call {@link #readValue} once per column, in order).
     *
     * @return false at the end of the data, after checking the recorded row count
     */
    public boolean startRow() throws IOException {
        drainPending();
        if (ended) {
            return false;
        }
        int marker = readByte();
        if (marker == 0) {
            long recorded = readVarLong();
            if (recorded != rows) {
                throw new IOException("row file says " + recorded + " rows but holds " + rows);
            }
            ended = true;
            return false;
        }
        if (marker != 1) {
            throw new IOException("corrupt row file: bad row marker " + marker + " after row " + rows);
        }
        rows++;
        return true;
    }

    /**
     * Reads column {@code i} of the current row. A binary value longer than {@code streamAbove} bytes comes back as
     * {@link LargeBytes} whose stream reads it from the file; it must be consumed before the next call (what is
     * left is skipped then).
     */
    public Object readValue(int i, long streamAbove) throws IOException {
        return readValue(i, streamAbove, false);
    }

    /**
     * Like {@link #readValue(int, long)}, but with {@code text} a STRING value (or DYNAMIC text) longer than
     * {@code streamAbove} bytes comes back as {@link LargeBytes} too, reading its UTF-8 bytes: how a value of any
     * size is written in pieces ({@code LargeValues}) without being held.
     */
    public Object readValue(int i, long streamAbove, boolean text) throws IOException {
        drainPending();
        if (readByte() == 0) {
            return null;
        }
        ValueType type = types.get(i);
        if (type == ValueType.BYTES || type == ValueType.DYNAMIC || text && type == ValueType.STRING) {
            int storage = type == ValueType.DYNAMIC ? readByte() : type == ValueType.STRING ? 3 : 4;
            if (storage == 4 || text && storage == 3) {
                long len = readVarLong();
                if (len < 0 || len > MAX_VALUE_BYTES) {
                    throw new IOException("corrupt row file: value length " + len);
                }
                if (len > streamAbove) {
                    pending = new BoundedStream(in, len);
                    return new LargeBytes(pending, len);
                }
                byte[] value = readFully((int) len);
                return storage == 3 ? new String(value, StandardCharsets.UTF_8) : value;
            }
            return readDynamic(storage);
        }
        return readPayload(type);
    }

    private void drainPending() throws IOException {
        if (pending != null) {
            pending.skipRest();
            pending = null;
        }
    }

    /** A view of the next {@code length} bytes of the file. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("row file ends in the middle of a value: truncated");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("row file ends in the middle of a value: truncated");
            }
            left -= n;
            return n;
        }

        void skipRest() throws IOException {
            while (left > 0) {
                long n = in.skip(left);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("row file ends in the middle of a value: truncated");
                    }
                    n = 1;
                }
                left -= n;
            }
        }

        @Override
        public void close() {
            // the file stream belongs to the reader
        }
    }

    /** Rows read so far. */
    public long rows() {
        return rows;
    }

    private Object readPayload(ValueType type) throws IOException {
        return switch (type) {
            case BOOLEAN -> readByte() != 0;
            case INTEGER -> readZigZag();
            case DECIMAL -> {
                int scale = (int) readZigZag();
                yield new BigDecimal(new BigInteger(readBytes()), scale);
            }
            case FLOAT -> Float.intBitsToFloat((int) readFixed(4));
            case DOUBLE -> Double.longBitsToDouble(readFixed(8));
            case STRING -> readString();
            case BYTES -> readBytes();
            case DATE -> LocalDate.ofEpochDay(readZigZag());
            case TIME -> LocalTime.ofNanoOfDay(readVarLong());
            case TIMESTAMP -> {
                long sec = readZigZag();
                yield LocalDateTime.ofEpochSecond(sec, (int) readVarLong(), ZoneOffset.UTC);
            }
            case TIMESTAMP_TZ -> {
                long sec = readZigZag();
                int nano = (int) readVarLong();
                ZoneOffset offset = ZoneOffset.ofTotalSeconds((int) readZigZag());
                yield OffsetDateTime.ofInstant(Instant.ofEpochSecond(sec, nano), offset);
            }
            case TIME_TZ -> {
                LocalTime t = LocalTime.ofNanoOfDay(readVarLong());
                yield OffsetTime.of(t, ZoneOffset.ofTotalSeconds((int) readZigZag()));
            }
            case UUID -> new UUID(readFixed(8), readFixed(8));
            case DYNAMIC -> readDynamic(readByte());
        };
    }

    private Object readDynamic(int storage) throws IOException {
        return switch (storage) {
            case 1 -> readZigZag();
            case 2 -> Double.longBitsToDouble(readFixed(8));
            case 3 -> readString();
            case 4 -> readBytes();
            default -> throw new IOException("corrupt row file: unknown storage class " + storage);
        };
    }

    private String readString() throws IOException {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    private byte[] readBytes() throws IOException {
        long len = readVarLong();
        if (len < 0 || len > MAX_VALUE_BYTES) {
            throw new IOException("corrupt row file: value length " + len);
        }
        return readFully((int) len);
    }

    private byte[] readFully(int len) throws IOException {
        byte[] b = new byte[len]; // exactly once: a 50 MB value costs 50 MB, not a copy on top
        if (in.readNBytes(b, 0, len) != len) {
            throw new EOFException("row file ends in the middle of a value (row " + (rows + 1) + "): truncated");
        }
        return b;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("row file ends after " + rows + " rows without its end marker: truncated");
        }
        return b;
    }

    private long readFixed(int bytes) throws IOException {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | readByte();
        }
        return v;
    }

    private long readZigZag() throws IOException {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    private long readVarLong() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("corrupt row file: varint longer than 10 bytes");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
