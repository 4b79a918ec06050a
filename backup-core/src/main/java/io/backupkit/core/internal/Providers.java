package io.backupkit.core.internal;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.DumpException;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DatabaseDumperFactory;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import io.backupkit.api.spi.StorageUris;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** Finds storage providers and dumpers with ServiceLoader, and names the artifact to add when none is found. */
public final class Providers {
    private static final Map<String, String> STORAGE_ARTIFACTS = Map.of(
            "file", "io.backupkit:backup-storage-local",
            "s3", "io.backupkit:backup-storage-s3",
            "gdrive", "io.backupkit:backup-storage-gdrive");

    private Providers() {
    }

    /** Creates the storage for a URI such as {@code file:./backups} or {@code s3://bucket/prefix}. */
    public static StorageProvider storage(URI uri, ClassLoader loader) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new ConfigurationException("storage URI '" + StorageUris.redacted(uri) + "' has no scheme: write it like file:./backups, "
                    + "file:/var/backups/app, s3://bucket/prefix or gdrive://<folder-id>");
        }
        String wanted = scheme.toLowerCase(Locale.ROOT);
        List<StorageProviderFactory> factories = ServiceLoader.load(StorageProviderFactory.class, loader).stream()
                .map(ServiceLoader.Provider::get).toList();
        for (StorageProviderFactory f : factories) {
            if (f.scheme().equalsIgnoreCase(wanted)) {
                return f.create(uri);
            }
        }
        String artifact = STORAGE_ARTIFACTS.get(wanted);
        String available = factories.stream().map(StorageProviderFactory::scheme).sorted().collect(Collectors.joining(", "));
        throw new ConfigurationException("no storage provider for '" + wanted + ":' URIs"
                + (artifact != null ? ": add the dependency " + artifact + " to the application"
                        : ": known schemes are file, s3 and gdrive, or pass your own StorageProvider to storage(...)")
                + (available.isEmpty() ? " (none is on the class path)" : " (on the class path: " + available + ")"));
    }

    /** The dumper for the database behind the data source, chosen from its JDBC metadata. */
    public static DatabaseDumper dumperFor(DataSource dataSource, ClassLoader loader) {
        String product;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new DumpException("cannot connect to the database to find out what it is: " + e.getMessage(), e);
        }
        return ServiceLoader.load(DatabaseDumperFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.supports(product))
                .max(Comparator.comparingInt(DatabaseDumperFactory::priority))
                .map(DatabaseDumperFactory::create)
                .orElseThrow(() -> new ConfigurationException("no BackupKit dumper for the database '" + product
                        + "': add the dependency io.backupkit:backup-jdbc, or pass your own DatabaseDumper to dumper(...)"));
    }

    /** The dumper that wrote a backup, by the name its manifest records. */
    public static DatabaseDumper dumperNamed(String name, ClassLoader loader) {
        return ServiceLoader.load(DatabaseDumperFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals(name))
                .max(Comparator.comparingInt(DatabaseDumperFactory::priority))
                .map(DatabaseDumperFactory::create)
                .orElseThrow(() -> new ConfigurationException("the backup was written by the '" + name
                        + "' dumper, which is not on the class path: add io.backupkit:backup-jdbc, or pass that dumper to dumper(...)"));
    }
}
