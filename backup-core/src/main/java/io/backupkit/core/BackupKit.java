package io.backupkit.core;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupListener;
import io.backupkit.api.Compression;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.FileSet;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageUris;
import io.backupkit.core.internal.DefaultBackupEngine;
import io.backupkit.core.internal.EngineConfig;
import io.backupkit.core.internal.Providers;
import io.backupkit.core.storage.StorageWrappers;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The entry point: configure once, build an immutable, thread-safe {@link BackupEngine}.
 *
 * <pre>{@code
 * BackupEngine engine = BackupKit.builder()
 *         .storage("file:./backups")           // or s3://bucket/prefix, gdrive://<folder-id>, or a StorageProvider
 *         .dataSource(dataSource)              // the application's database
 *         .files(Path.of("media"))             // the application's uploaded files
 *         .build();
 * BackupId id = engine.backup(BackupType.FULL).id();
 * }</pre>
 *
 * Storage URIs are resolved by the {@link io.backupkit.api.spi.StorageProviderFactory StorageProviderFactories}
 * on the class path; a provider object passed to {@link Builder#storage(StorageProvider)} always wins. Either way the
 * engine wraps the provider in its retry and logging wrappers ({@link Builder#retries(RetryPolicy)}). The
 * dumper is chosen from the database's JDBC metadata unless one is passed to {@link Builder#dumper}.
 */
public final class BackupKit {
    /** Default cap on an imported archive: 1 TiB. */
    public static final long DEFAULT_MAX_IMPORT_BYTES = 1L << 40;
    /** Default of {@link Builder#connectTimeout}, in seconds. */
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_SECONDS);

    private BackupKit() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings; {@link #build()} validates them all and fails with a message that says what to change. */
    public static final class Builder {
        private StorageProvider storage;
        private URI storageUri;
        private String storageText;
        private DataSource dataSource;
        private DatabaseDumper dumper;
        private final List<DatabaseDumper> restoreDumpers = new ArrayList<>();
        private Duration progressInterval = Duration.ofSeconds(5);
        private FileSet fileSet;
        private TableSelection tables = TableSelection.ALL;
        private Compression compression = Compression.DEFAULT;
        private final List<BackupListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private long maxImportBytes = DEFAULT_MAX_IMPORT_BYTES;
        private Duration connectTimeout;
        private int parallelism = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private ClassLoader classLoader;
        private HealthPolicy healthPolicy = HealthPolicy.DEFAULT;
        private EngineConfig.LockSettings lock = EngineConfig.LockSettings.DEFAULT;
        private RetryPolicy retries;

        private Builder() {
        }

        /** Where backups are kept: an object you created (you close it). */
        public Builder storage(StorageProvider provider) {
            this.storage = Objects.requireNonNull(provider, "storage provider");
            this.storageUri = null;
            this.storageText = null;
            return this;
        }

        /**
         * Where backups are kept, as a URI: {@code file:./backups} (relative to the working directory),
         * {@code file:/var/backups/app}, {@code s3://bucket/prefix?region=eu-central-1}, {@code gdrive://<folder-id>}.
         */
        public Builder storage(String uri) {
            this.storageText = Objects.requireNonNull(uri, "storage URI");
            this.storage = null;
            this.storageUri = null;
            return this;
        }

        /** Where backups are kept, as a URI; see {@link #storage(String)}. */
        public Builder storage(URI uri) {
            this.storageUri = Objects.requireNonNull(uri, "storage URI");
            this.storage = null;
            this.storageText = null;
            return this;
        }

        /** The application's database. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** A dumper to use instead of the one discovered from the database's metadata. */
        public Builder dumper(DatabaseDumper dumper) {
            this.dumper = Objects.requireNonNull(dumper, "dumper");
            return this;
        }

        /**
         * Adds a dumper that restores (and the recovery of an interrupted restore) use for a backup whose manifest
         * names it ({@link DatabaseDumper#name()}), ahead of the class path's factories: e.g. a
         * {@code PgDumpDumper} holding the database password, for backups made with pg_dump. New backups still use
         * {@link #dumper} or the one discovered from the database. One per name.
         *
         * @throws IllegalStateException when a dumper of that name was already added
         */
        public Builder restoreDumper(DatabaseDumper dumper) {
            Objects.requireNonNull(dumper, "dumper");
            if (restoreDumpers.stream().anyMatch(d -> d.name().equals(dumper.name()))) {
                throw new IllegalStateException("restoreDumper: a dumper named '" + dumper.name() + "' was already added");
            }
            restoreDumpers.add(dumper);
            return this;
        }

        /**
         * How often a running operation records its progress in its history record, where {@code jobs()} of every
         * instance sharing the storage reads it (default 5 s; each write is one storage request).
         */
        public Builder progressInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("progressInterval must be between 100 ms and 10 minutes, was " + interval);
            }
            this.progressInterval = interval;
            return this;
        }

        /** The application's media files. */
        public Builder files(FileSet fileSet) {
            this.fileSet = Objects.requireNonNull(fileSet, "fileSet");
            return this;
        }

        /** The application's media directories, each named after its last path element. */
        public Builder files(Path... directories) {
            if (directories.length == 0) {
                throw new IllegalArgumentException("files(...) needs at least one directory");
            }
            FileSet.Builder b = FileSet.builder();
            for (Path d : directories) {
                b.root(d);
            }
            return files(b.build());
        }

        /** Which tables database backups include by default (all, if not set). */
        public Builder tables(TableSelection selection) {
            this.tables = Objects.requireNonNull(selection, "tables");
            return this;
        }

        /** Compression of stored objects; zstd level 3 by default. */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /** Adds a listener for the events of every operation. */
        public Builder listener(BackupListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The clock for ids and timestamps (for tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The largest archive {@code importBackup} accepts, in bytes (default 1 TiB). */
        public Builder maxImportBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxImportBytes must be positive, was " + bytes);
            }
            this.maxImportBytes = bytes;
            return this;
        }

        /** Worker connections a dumper may use for one backup or restore (default: cores, at most 4). */
        public Builder parallelism(int workers) {
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("parallelism must be between 1 and 64, was " + workers);
            }
            this.parallelism = workers;
            return this;
        }

        /**
         * How long connecting and logging in to the database may take before the backup or restore fails (default
         * {@value #DEFAULT_CONNECT_TIMEOUT_SECONDS} s): set as the JDBC login timeout of the DataSource (the
         * application's and a restore's target) where it has none; a DataSource with its own login or connection
         * timeout (a pool, a configured driver data source) keeps its own. Whole seconds, 1 s to 1 h.
         */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectTimeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("connectTimeout must be between 1 s and 1 h, was " + timeout);
            }
            if (connectTimeout != null) {
                throw new IllegalStateException("connectTimeout is already set (to " + connectTimeout + ")");
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** When {@code health()} reports a problem (default: {@link HealthPolicy#DEFAULT}). */
        public Builder healthPolicy(HealthPolicy policy) {
            this.healthPolicy = Objects.requireNonNull(policy, "healthPolicy");
            return this;
        }

        /**
         * How backup, restore, delete, import and clean-up keep from running over each other when several application
         * instances share one storage: a lease in the storage ({@code locks/operations.json}) that a holder renews
         * while it works and that expires {@code ttl} after a holder died. An operation that finds another instance
         * holding it waits up to {@code maxWait}, then fails with a ConflictException naming the holder. Inside one
         * engine, such operations queue. Defaults: ttl 60 s, settle delay 250 ms, no waiting.
         *
         * @param settleDelay how long to wait before confirming the lock was won; raise it for storage whose writes
         *                    become visible slowly
         */
        public Builder operationLock(Duration ttl, Duration settleDelay, Duration maxWait) {
            if (ttl.compareTo(Duration.ofSeconds(3)) < 0 || settleDelay.isNegative() || maxWait.isNegative()
                    || settleDelay.multipliedBy(3).compareTo(ttl) >= 0) {
                throw new IllegalArgumentException("operation lock: ttl must be >= 3 s and more than 3 x the settle delay,"
                        + " waits must not be negative (ttl " + ttl + ", settle " + settleDelay + ", maxWait " + maxWait + ")");
            }
            this.lock = new EngineConfig.LockSettings(true, ttl, settleDelay, maxWait);
            return this;
        }

        /**
         * Turns the storage-wide operation lock off: only for an application that is the only user of its storage and
         * wants to save the lock's round trips.
         */
        public Builder withoutOperationLock() {
            this.lock = new EngineConfig.LockSettings(false, lock.ttl(), lock.settleDelay(), lock.maxWait());
            return this;
        }

        /**
         * How storage calls that fail transiently are retried (default {@link RetryPolicy#DEFAULT}: 5 attempts in all).
         * The engine wraps every provider, also one passed to {@link #storage(StorageProvider)}, in a retry wrapper
         * with this policy; it adds no attempts to what a provider retries itself (an S3 provider's parts; every
         * call of an S3 provider built on the host's own client, whose SDK retry settings then apply).
         *
         * @throws IllegalStateException when retries were already set, or turned off
         */
        public Builder retries(RetryPolicy policy) {
            Objects.requireNonNull(policy, "retries");
            retriesOnce("retries(" + policy + ")");
            this.retries = policy;
            return this;
        }

        /**
         * Turns the engine's storage retries off: a transient failure fails the operation at once. Retries a provider
         * does inside (S3 parts, Drive requests) are set on that provider.
         *
         * @throws IllegalStateException when retries were already set
         */
        public Builder withoutRetries() {
            retriesOnce("withoutRetries()");
            this.retries = RetryPolicy.NONE;
            return this;
        }

        private void retriesOnce(String call) {
            if (retries != null) {
                throw new IllegalStateException(call + ": storage retries were already set to " + retries
                        + "; call retries(...) or withoutRetries() once");
            }
        }

        /** Where storage providers and dumpers are discovered (default: the thread's context class loader). */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "classLoader");
            return this;
        }

        /**
         * Builds the engine.
         *
         * @throws ConfigurationException when no storage was given, its URI is malformed or names a scheme no
         *                                provider on the class path handles, or the storage cannot be used
         */
        public BackupEngine build() {
            ClassLoader loader = classLoader != null ? classLoader
                    : Optional.ofNullable(Thread.currentThread().getContextClassLoader()).orElse(BackupKit.class.getClassLoader());
            boolean owns = storage == null;
            StorageProvider resolved = storage;
            if (resolved == null) {
                URI uri = storageUri != null ? storageUri : parse(storageText);
                resolved = Providers.storage(uri, loader);
            }
            resolved = StorageWrappers.install(resolved, retries != null ? retries : RetryPolicy.DEFAULT);
            return new DefaultBackupEngine(new EngineConfig(resolved, Optional.ofNullable(dataSource), Optional.ofNullable(dumper),
                    Optional.ofNullable(fileSet), tables, compression, listeners, clock, maxImportBytes, parallelism, loader, owns, healthPolicy, lock,
                    List.copyOf(restoreDumpers), progressInterval,
                    connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout));
        }

        private static URI parse(String text) {
            if (text == null) {
                throw new ConfigurationException("no storage configured: call storage(\"file:./backups\") (or an s3:// or "
                        + "gdrive:// URI, or a StorageProvider) on the builder");
            }
            if (text.isBlank()) {
                throw new ConfigurationException("the storage URI is empty: use e.g. file:./backups or s3://bucket/prefix");
            }
            try {
                return new URI(text.strip());
            } catch (URISyntaxException e) {
                String shown = StorageUris.redacted(text);
                String message = "storage URI '" + shown + "' is malformed (" + e.getReason() + " at index " + e.getIndex()
                        + "): use e.g. file:./backups, file:/var/backups/app or s3://bucket/prefix";
                // The parser's own message repeats the input: keep it as the cause only when it holds no credential.
                throw shown.equals(text) ? new ConfigurationException(message, e) : new ConfigurationException(message);
            }
        }
    }
}
