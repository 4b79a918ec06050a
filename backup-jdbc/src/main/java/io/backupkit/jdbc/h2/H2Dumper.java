package io.backupkit.jdbc.h2;

import io.backupkit.jdbc.JdbcDumperOptions;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DatabaseDumperFactory;
import io.backupkit.jdbc.internal.AbstractJdbcDumper;

/**
 * H2 2.x: the dump reads in SNAPSHOT isolation on one connection; restore loads tables in parallel when asked.
 * Table data is in the BackupKit row format (docs/FORMAT.md); the schema model in {@code schema.json}.
 */
public final class H2Dumper extends AbstractJdbcDumper {
    /** The name recorded in manifests. */
    public static final String NAME = "h2";

    public H2Dumper() {
        this(JdbcDumperOptions.DEFAULTS);
    }

    public H2Dumper(JdbcDumperOptions options) {
        super(new H2Dialect(), options);
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
            return "H2".equalsIgnoreCase(p);
        }

        @Override
        public DatabaseDumper create() {
            return new H2Dumper();
        }
    }
}
