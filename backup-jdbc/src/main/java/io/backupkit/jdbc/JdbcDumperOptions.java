package io.backupkit.jdbc;

import io.backupkit.api.internal.Require;

/**
 * Tuning of the JDBC dumpers. Memory per worker stays near {@code fetchBytes + batchBytes} plus the largest single
 * value (a 50 MB blob is read and written as one value, never a whole table). Build one with {@link #builder()},
 * which names each setting and leaves the others at their defaults:
 * <pre>{@code
 * new MariaDbDumper(JdbcDumperOptions.builder().fetchBytes(64L << 20).build())
 * }</pre>
 *
 * @param fetchBytes how many bytes of rows a result set may buffer: the fetch size is this divided by the estimated
 *                   row size (1 for tables with large-object columns)
 * @param batchRows  most rows per insert batch on restore
 * @param batchBytes most bytes of values per insert batch on restore; a batch is sent when either limit is reached
 */
public record JdbcDumperOptions(long fetchBytes, int batchRows, long batchBytes) {
    /** 16 MB fetch budget, batches of up to 1000 rows or 8 MB. */
    public static final JdbcDumperOptions DEFAULTS = new JdbcDumperOptions(16L << 20, 1000, 8L << 20);

    /** @throws IllegalArgumentException naming the first value that is too small */
    public JdbcDumperOptions {
        Require.atLeast("fetchBytes", fetchBytes, 1024);
        Require.atLeast("batchRows", batchRows, 1);
        Require.atLeast("batchBytes", batchBytes, 1024);
    }

    /** A builder starting from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link JdbcDumperOptions}, Caffeine style: each setter checks its argument at once
     * ({@link IllegalArgumentException} naming the setting) and may be called once ({@link IllegalStateException});
     * a setting not given keeps its value from {@link #DEFAULTS}.
     */
    public static final class Builder {
        private Long fetchBytes;
        private Integer batchRows;
        private Long batchBytes;

        private Builder() {
        }

        /** How many bytes of rows a result set may buffer; at least 1024, default 16 MiB. */
        public Builder fetchBytes(long bytes) {
            Require.atLeast("fetchBytes", bytes, 1024);
            Require.unset(fetchBytes, "fetchBytes");
            this.fetchBytes = bytes;
            return this;
        }

        /** Most rows per insert batch on restore; at least 1, default 1000. */
        public Builder batchRows(int rows) {
            Require.atLeast("batchRows", rows, 1);
            Require.unset(batchRows, "batchRows");
            this.batchRows = rows;
            return this;
        }

        /** Most bytes of values per insert batch on restore; at least 1024, default 8 MiB. */
        public Builder batchBytes(long bytes) {
            Require.atLeast("batchBytes", bytes, 1024);
            Require.unset(batchBytes, "batchBytes");
            this.batchBytes = bytes;
            return this;
        }

        /** The options; every setter checked its value already, and no two of them conflict. */
        public JdbcDumperOptions build() {
            return new JdbcDumperOptions(fetchBytes != null ? fetchBytes : DEFAULTS.fetchBytes(),
                    batchRows != null ? batchRows : DEFAULTS.batchRows(),
                    batchBytes != null ? batchBytes : DEFAULTS.batchBytes());
        }
    }
}
