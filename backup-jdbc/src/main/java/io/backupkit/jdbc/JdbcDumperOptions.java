package io.backupkit.jdbc;

/**
 * Tuning of the JDBC dumpers. Memory per worker stays near {@code fetchBytes + batchBytes} plus the largest single
 * value (a 50 MB blob is read and written as one value, never a whole table).
 *
 * @param fetchBytes how many bytes of rows a result set may buffer: the fetch size is this divided by the estimated
 *                   row size (1 for tables with large-object columns)
 * @param batchRows  most rows per insert batch on restore
 * @param batchBytes most bytes of values per insert batch on restore; a batch is sent when either limit is reached
 */
public record JdbcDumperOptions(long fetchBytes, int batchRows, long batchBytes) {
    /** 16 MB fetch budget, batches of up to 1000 rows or 8 MB. */
    public static final JdbcDumperOptions DEFAULTS = new JdbcDumperOptions(16L << 20, 1000, 8L << 20);

    public JdbcDumperOptions {
        if (fetchBytes < 1024) {
            throw new IllegalArgumentException("fetchBytes must be >= 1024, was " + fetchBytes);
        }
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be >= 1, was " + batchRows);
        }
        if (batchBytes < 1024) {
            throw new IllegalArgumentException("batchBytes must be >= 1024, was " + batchBytes);
        }
    }
}
