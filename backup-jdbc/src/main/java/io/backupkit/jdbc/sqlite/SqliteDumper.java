package io.backupkit.jdbc.sqlite;

import io.backupkit.jdbc.JdbcDumperOptions;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DatabaseDumperFactory;
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
        super(new SqliteDialect(), options);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected boolean sameFamily(String backupProduct, String targetProduct) {
        return backupProduct.equalsIgnoreCase(targetProduct);
    }

    /** Registered in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory}. */
    public static final class Factory implements DatabaseDumperFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public boolean supports(String p) {
            return "SQLite".equalsIgnoreCase(p);
        }

        @Override
        public DatabaseDumper create() {
            return new SqliteDumper();
        }
    }
}
