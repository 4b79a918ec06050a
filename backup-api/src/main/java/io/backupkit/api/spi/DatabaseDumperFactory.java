package io.backupkit.api.spi;

/**
 * Creates a {@link DatabaseDumper} for one database product. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory}); the engine picks the supporting
 * factory with the highest {@link #priority()} for the product named by JDBC metadata, or the one whose
 * {@link #name()} a backup's manifest records when restoring. A dumper passed to the engine builder wins.
 */
public interface DatabaseDumperFactory {

    /** The name of the dumpers it creates, as {@link DatabaseDumper#name()} returns it. */
    String name();

    /**
     * Whether the dumper handles a database whose
     * {@link java.sql.DatabaseMetaData#getDatabaseProductName() product name} is this (e.g. {@code PostgreSQL},
     * {@code MariaDB}, {@code MySQL}, {@code SQLite}, {@code H2}).
     */
    boolean supports(String databaseProductName);

    /** Higher wins among factories supporting the same product; a generic fallback uses a negative value. */
    default int priority() {
        return 0;
    }

    DatabaseDumper create();
}
