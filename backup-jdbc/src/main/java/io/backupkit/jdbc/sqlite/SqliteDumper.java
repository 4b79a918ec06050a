package io.backupkit.jdbc.sqlite;

import io.backupkit.jdbc.DumperFactory;
import io.backupkit.jdbc.JdbcDumperOptions;
import io.backupkit.jdbc.internal.AbstractJdbcDumper;

/**
 * SQLite, through the xerial sqlite-jdbc driver: one read transaction for the dump (a consistent snapshot of the file), one write transaction for the restore, so a failed restore leaves the file as it was.
 * Table data is in the BackupKit row format (docs/FORMAT.md); the schema model in {@code schema.json}.
 */
public final class SqliteDumper extends AbstractJdbcDumper {
    /** The name recorded in manifests. */
    public static final String NAME = "sqlite";

    public SqliteDumper() {
        this(JdbcDumperOptions.DEFAULTS);
    }

    public SqliteDumper(JdbcDumperOptions options) {
        super(NAME, new SqliteDialect(), options);
    }

    /** Registered in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory}. */
    public static final class Factory extends DumperFactory {
        public Factory() {
            super(NAME, "SQLite"::equalsIgnoreCase, 0, SqliteDumper::new);
        }
    }
}
