package io.backupkit.jdbc.internal;

/**
 * How the row codec ({@link RowWriter} / {@link RowReader}) stores one column's values. The tag byte is written in
 * every table file's header, so it never changes meaning. See {@code docs/FORMAT.md} ("JDBC row files").
 */
public enum ValueType {
    /** One byte, 0 or 1. */
    BOOLEAN(1),
    /** Zig-zag varint of a signed 64-bit integer (every integer size up to BIGINT). */
    INTEGER(2),
    /** Zig-zag varint scale, then varint length + big-endian two's-complement unscaled value: exact at any precision. */
    DECIMAL(3),
    /** 4 bytes, IEEE 754 raw bits, big-endian (NaN payload and signed zero preserved). */
    FLOAT(4),
    /** 8 bytes, IEEE 754 raw bits, big-endian. */
    DOUBLE(5),
    /** Varint byte length + UTF-8. */
    STRING(6),
    /** Varint byte length + raw bytes. */
    BYTES(7),
    /** Zig-zag varint epoch day (proleptic ISO calendar). */
    DATE(8),
    /** Varint nano of day. */
    TIME(9),
    /** Zig-zag varint epoch second of the local date-time read as UTC, varint nano. */
    TIMESTAMP(10),
    /** Zig-zag varint epoch second (UTC), varint nano, zig-zag varint offset seconds. */
    TIMESTAMP_TZ(11),
    /** Varint nano of day, zig-zag varint offset seconds. */
    TIME_TZ(12),
    /** 16 bytes, most significant first. */
    UUID(13),
    /**
     * A value that carries its own storage class (SQLite's dynamic typing): one byte 1 = INTEGER, 2 = DOUBLE,
     * 3 = STRING, 4 = BYTES, then that type's payload.
     */
    DYNAMIC(14);

    private final int tag;

    ValueType(int tag) {
        this.tag = tag;
    }

    /** The byte written in file headers. */
    public int tag() {
        return tag;
    }

    public static ValueType ofTag(int tag) {
        for (ValueType t : values()) {
            if (t.tag == tag) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown value type tag " + tag + " in row file (written by a newer BackupKit?)");
    }
}
