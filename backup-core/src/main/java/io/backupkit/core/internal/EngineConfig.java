package io.backupkit.core.internal;

import io.backupkit.api.BackupListener;
import io.backupkit.api.Compression;
import io.backupkit.api.FileSet;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.StorageProvider;
import java.time.Clock;
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
 */
public record EngineConfig(StorageProvider storage, Optional<DataSource> dataSource, Optional<DatabaseDumper> dumper,
                           Optional<FileSet> fileSet, TableSelection tables, Compression compression,
                           List<BackupListener> listeners, Clock clock, long maxImportBytes, int parallelism,
                           ClassLoader classLoader, boolean ownsStorage, io.backupkit.api.HealthPolicy healthPolicy) {
}
