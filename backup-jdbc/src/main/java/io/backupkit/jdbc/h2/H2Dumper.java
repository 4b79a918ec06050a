package io.backupkit.jdbc.h2;

import io.backupkit.jdbc.DumperFactory;
import io.backupkit.jdbc.JdbcDumperOptions;
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
        super(NAME, new H2Dialect(), options);
    }

    /** Registered in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory}. */
    public static final class Factory extends DumperFactory {
        public Factory() {
            super(NAME, "H2"::equalsIgnoreCase, 0, H2Dumper::new);
        }
    }
}
