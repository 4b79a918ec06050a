package io.backupkit.core.internal;

import io.backupkit.api.BackupListener;
import io.backupkit.api.Compression;
import io.backupkit.api.FileSet;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.StorageProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Everything an engine was built with; immutable.
 *
 * @param storage        where backups live
 * @param dataSource     the application's database, if it backs one up
 * @param dumper         an explicitly configured dumper (wins over discovery)
 * @param fileSet        the application's media files, if it backs them up
 * @param tables         default table selection for database backups
 * @param compression    default compression
 * @param listeners      event listeners
 * @param clock          time source (tests use a fixed one)
 * @param maxImportBytes largest archive {@code importBackup} accepts
 * @param parallelism    worker connections a dumper may use
 * @param classLoader    where providers are discovered
 * @param ownsStorage    whether the engine created the storage (from a URI) and so closes it
 * @param healthPolicy   what health() reports as a problem
 * @param lock           how backup, restore and clean-up keep from running over each other on one storage
 * @param restoreDumpers dumpers restores find by the name a manifest records, before the class path's factories
 * @param progressInterval how often a running operation records its progress in its history record
 * @param connectTimeout login timeout set on a DataSource that has none ({@link LoginTimeout})
 * @param noProgressTimeout how long a backup or restore may make no progress before it is given up
 *                          ({@link NoProgressWatchdog})
 */
public record EngineConfig(StorageProvider storage, Optional<DataSource> dataSource, Optional<DatabaseDumper> dumper,
                           Optional<FileSet> fileSet, TableSelection tables, Compression compression,
                           List<BackupListener> listeners, Clock clock, long maxImportBytes, int parallelism,
                           ClassLoader classLoader, boolean ownsStorage, HealthPolicy healthPolicy,
                           LockSettings lock, List<DatabaseDumper> restoreDumpers,
                           Duration progressInterval, Duration connectTimeout, Duration noProgressTimeout) {

    /**
     * The storage-wide operation lock: a lease at {@code locks/operations.json}.
     *
     * @param enabled     whether mutating operations take it
     * @param ttl         how long a holder that stops renewing keeps it
     * @param settleDelay how long a contender waits before confirming it won (covers the storage's write latency)
     * @param maxWait     how long an operation waits for another instance's operation before failing
     */
    public record LockSettings(boolean enabled, Duration ttl, Duration settleDelay,
                               Duration maxWait) {
        public static final LockSettings DEFAULT = new LockSettings(true, Duration.ofSeconds(60),
                Duration.ofMillis(250), Duration.ZERO);
    }
}
