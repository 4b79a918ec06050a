package io.backupkit.jdbc;

import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DatabaseDumperFactory;

/** Finds {@link PostgresDumper} for databases whose JDBC product name is {@code PostgreSQL}. */
public final class PostgresDumperFactory implements DatabaseDumperFactory {

    @Override
    public String name() {
        return PostgresDumper.NAME;
    }

    @Override
    public boolean supports(String databaseProductName) {
        return "PostgreSQL".equalsIgnoreCase(databaseProductName);
    }

    /** Above the generic JDBC fallback. */
    @Override
    public int priority() {
        return 10;
    }

    @Override
    public DatabaseDumper create() {
        return PostgresDumper.create();
    }
}
