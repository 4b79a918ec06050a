package io.backupkit.core;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupListener;
import io.backupkit.api.Compression;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.FileSet;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.TableSelection;
import io.backupkit.api.internal.Require;
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
    private static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);
    /** Default of {@link Builder#noProgressTimeout}, in minutes. */
    public static final int DEFAULT_NO_PROGRESS_TIMEOUT_MINUTES = 10;

    private BackupKit() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects settings. Each setter checks its argument at once ({@link IllegalArgumentException}; null is a
     * {@link NullPointerException}), and each setting is set at most once: setting it again, or setting one that
     * conflicts with it, is an {@link IllegalStateException} naming both. {@link #build()} checks what needs the
     * whole picture and fails with a {@link ConfigurationException} that says what to change.
     */
    public static final class Builder {
        private Object storage;
        private DataSource dataSource;
        private DatabaseDumper dumper;
        private final List<DatabaseDumper> restoreDumpers = new ArrayList<>();
        private Duration progressInterval;
        private FileSet fileSet;
        private TableSelection tables;
        private Compression compression;
        private final List<BackupListener> listeners = new ArrayList<>();
        private Clock clock;
        private Long maxImportBytes;
        private Duration connectTimeout;
        private Duration noProgressTimeout;
        private Integer parallelism;
        private ClassLoader classLoader;
        private HealthPolicy healthPolicy;
        private EngineConfig.LockSettings lock;
        private RetryPolicy retries;

        private Builder() {
        }

        /**
         * Where backups are kept: an object you created (you close it). Storage is set once, by one of the three
         * {@code storage(...)} methods.
         */
        public Builder storage(StorageProvider provider) {
            return storageOnce(Objects.requireNonNull(provider, "storage provider"));
        }

        /**
         * Where backups are kept, as a URI: {@code file:./backups} (relative to the working directory),
         * {@code file:/var/backups/app}, {@code s3://bucket/prefix?region=eu-central-1}, {@code gdrive://<folder-id>}.
         * The URI is resolved to a provider by {@link #build()}.
         */
        public Builder storage(String uri) {
            Objects.requireNonNull(uri, "storage URI");
            Require.argument(!uri.isBlank(), "storage: the URI is empty; use e.g. file:./backups or s3://bucket/prefix");
            return storageOnce(uri);
        }

        /** Where backups are kept, as a URI; see {@link #storage(String)}. */
        public Builder storage(URI uri) {
            return storageOnce(Objects.requireNonNull(uri, "storage URI"));
        }

        private Builder storageOnce(Object where) {
            // the three overloads used to replace each other silently: name both calls, so the caller sees which to drop
            Require.state(storage == null, "%s: storage was already set by %s; call one of the storage(...) methods once",
                    storageCall(where), storageCall(storage));
            this.storage = where;
            return this;
        }

        /** How a storage(...) call is shown in a message: the overload and the place, credentials redacted. */
        private static String storageCall(Object where) {
            if (where instanceof StorageProvider p) {
                return "storage(StorageProvider " + p.description() + ")";
            }
            String uri = StorageUris.redacted(String.valueOf(where));
            return where instanceof URI ? "storage(URI " + uri + ")" : "storage(\"" + uri + "\")";
        }

        /** The application's database. */
        public Builder dataSource(DataSource dataSource) {
            // not shown: a DataSource's toString may carry its URL with credentials
            this.dataSource = Require.onceSecret(this.dataSource, dataSource, "dataSource");
            return this;
        }

        /** A dumper to use instead of the one discovered from the database's metadata. */
        public Builder dumper(DatabaseDumper dumper) {
            Objects.requireNonNull(dumper, "dumper");
            Require.state(this.dumper == null, "dumper was already set (to %s); set it once", this.dumper == null ? "" : this.dumper.name());
            this.dumper = dumper;
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
            Require.state(restoreDumpers.stream().noneMatch(d -> d.name().equals(dumper.name())),
                    "restoreDumper: a dumper named '%s' was already added", dumper.name());
            restoreDumpers.add(dumper);
            return this;
        }

        /**
         * How often a running operation records its progress in its history record, where {@code jobs()} of every
         * instance sharing the storage reads it (default 5 s; each write is one storage request).
         */
        public Builder progressInterval(Duration interval) {
            Require.between("progressInterval", interval, Duration.ofMillis(100), Duration.ofMinutes(10), "100 ms and 10 minutes");
            this.progressInterval = Require.once(this.progressInterval, interval, "progressInterval");
            return this;
        }

        /** The application's media files. Set once, by this or {@link #files(Path...)}. */
        public Builder files(FileSet fileSet) {
            Objects.requireNonNull(fileSet, "files");
            Require.state(this.fileSet == null, "files were already set (to %s); call files(...) once with every directory",
                    this.fileSet == null ? "" : this.fileSet.roots().keySet());
            this.fileSet = fileSet;
            return this;
        }

        /** The application's media directories, each named after its last path element. */
        public Builder files(Path... directories) {
            Require.argument(directories.length > 0, "files(...) needs at least one directory");
            FileSet.Builder b = FileSet.builder();
            for (Path d : directories) {
                b.root(d);
            }
            return files(b.build());
        }

        /** Which tables database backups include by default (all, if not set). */
        public Builder tables(TableSelection selection) {
            this.tables = Require.once(this.tables, selection, "tables");
            return this;
        }

        /** Compression of stored objects; zstd level 3 by default. */
        public Builder compression(Compression compression) {
            this.compression = Require.once(this.compression, compression, "compression");
            return this;
        }

        /** Adds a listener for the events of every operation (each listener once). */
        public Builder listener(BackupListener listener) {
            Objects.requireNonNull(listener, "listener");
            Require.state(listeners.stream().noneMatch(l -> l == listener), "listener %s was already added", listener);
            listeners.add(listener);
            return this;
        }

        /** The clock for ids and timestamps (for tests). */
        public Builder clock(Clock clock) {
            this.clock = Require.once(this.clock, clock, "clock");
            return this;
        }

        /** The largest archive {@code importBackup} accepts, in bytes (default 1 TiB). */
        public Builder maxImportBytes(long bytes) {
            Require.argument(bytes > 0, "maxImportBytes must be positive, was %d", bytes);
            this.maxImportBytes = Require.once(this.maxImportBytes, bytes, "maxImportBytes");
            return this;
        }

        /** Worker connections a dumper may use for one backup or restore (default: cores, at most 4). */
        public Builder parallelism(int workers) {
            Require.argument(workers >= 1 && workers <= 64, "parallelism must be between 1 and 64, was %d", workers);
            this.parallelism = Require.once(this.parallelism, workers, "parallelism");
            return this;
        }

        /**
         * How long connecting and logging in to the database may take before the backup or restore fails (default
         * {@value #DEFAULT_CONNECT_TIMEOUT_SECONDS} s): set as the JDBC login timeout of the DataSource (the
         * application's and a restore's target) where it has none; a DataSource with its own login or connection
         * timeout (a pool, a configured driver data source) keeps its own. Whole seconds, 1 s to 1 h.
         */
        public Builder connectTimeout(Duration timeout) {
            Require.between("connectTimeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1), "1 s and 1 h");
            this.connectTimeout = Require.once(this.connectTimeout, timeout, "connectTimeout");
            return this;
        }

        /**
         * How long a backup or restore may make no progress before it is given up with a {@code NoProgressException}
         * (default {@value #DEFAULT_NO_PROGRESS_TIMEOUT_MINUTES} minutes), its database connections aborted and its
         * storage lock released (or, if its thread is stuck, left to lapse after the lock's ttl). Progress is rows,
         * bytes or files moved, or the database server reporting work for the operation's sessions (so a long
         * {@code CREATE INDEX} that sends nothing is not a stall); socket silence alone never is. 1 s to 7 days.
         */
        public Builder noProgressTimeout(Duration timeout) {
            Require.between("noProgressTimeout", timeout, Duration.ofSeconds(1), Duration.ofDays(7));
            Require.unset(noProgressTimeout, "noProgressTimeout");
            this.noProgressTimeout = timeout;
            return this;
        }

        /** When {@code health()} reports a problem (default: {@link HealthPolicy#DEFAULT}). */
        public Builder healthPolicy(HealthPolicy policy) {
            this.healthPolicy = Require.once(this.healthPolicy, policy, "healthPolicy");
            return this;
        }

        /**
         * How backup, restore, delete, import and clean-up keep from running over each other when several application
         * instances share one storage: a lease in the storage ({@code locks/operations.json}) that a holder renews
         * while it works and that expires {@code ttl} after a holder died (at once when it died on this machine). An
         * operation that finds another instance holding it waits up to {@code maxWait}, then fails with a
         * ConflictException naming the holder. Inside one engine, such operations queue. Defaults: ttl 60 s, settle
         * delay 250 ms, no waiting.
         *
         * @param ttl         how long a dead holder on another machine blocks the storage; at least 3 s and more than
         *                    3 x the settle delay (the heartbeat renews it every ttl/3)
         * @param settleDelay how long to wait before confirming the lock was won; raise it for storage whose writes
         *                    become visible slowly
         * @param maxWait     how long an operation waits for another instance's to finish (zero: fail at once)
         * @throws IllegalStateException when the lock was already configured or turned off
         */
        public Builder operationLock(Duration ttl, Duration settleDelay, Duration maxWait) {
            Objects.requireNonNull(ttl, "operationLock ttl");
            Objects.requireNonNull(settleDelay, "operationLock settleDelay");
            Objects.requireNonNull(maxWait, "operationLock maxWait");
            Require.argument(ttl.compareTo(Duration.ofSeconds(3)) >= 0, "operationLock: ttl must be at least 3 s, was %s", ttl);
            Require.argument(!settleDelay.isNegative() && settleDelay.multipliedBy(3).compareTo(ttl) < 0,
                    "operationLock: settleDelay must not be negative and less than a third of the ttl %s, was %s", ttl, settleDelay);
            Require.argument(!maxWait.isNegative(), "operationLock: maxWait must not be negative, was %s", maxWait);
            lockOnce("operationLock(" + ttl + ", " + settleDelay + ", " + maxWait + ")");
            this.lock = new EngineConfig.LockSettings(true, ttl, settleDelay, maxWait);
            return this;
        }

        /**
         * Turns the storage-wide operation lock off: only for an application that is the only user of its storage and
         * wants to save the lock's round trips. Another instance's operations are then not kept off.
         *
         * @throws IllegalStateException when the lock was already configured
         */
        public Builder withoutOperationLock() {
            lockOnce("withoutOperationLock()");
            EngineConfig.LockSettings d = EngineConfig.LockSettings.DEFAULT;
            this.lock = new EngineConfig.LockSettings(false, d.ttl(), d.settleDelay(), d.maxWait());
            return this;
        }

        private void lockOnce(String call) {
            Require.state(lock == null, "%s: the operation lock was already %s; call operationLock(...) or "
                    + "withoutOperationLock() once", call, lock == null ? "" : lock.enabled() ? "configured (" + lock + ")" : "turned off");
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
            Require.state(retries == null, "%s: storage retries were already set to %s; call retries(...) or withoutRetries() once",
                    call, retries);
        }

        /** Where storage providers and dumpers are discovered (default: the thread's context class loader). */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Require.once(this.classLoader, loader, "classLoader");
            return this;
        }

        /**
         * Builds the engine.
         *
         * @throws ConfigurationException when no storage was given, its URI is malformed or names a scheme no
         *                                provider on the class path handles, or the storage cannot be used
         */
        public BackupEngine build() {
            if (storage == null) {
                throw new ConfigurationException("no storage configured: call storage(\"file:./backups\") (or an s3:// or "
                        + "gdrive:// URI, or a StorageProvider) on the builder");
            }
            ClassLoader loader = classLoader != null ? classLoader
                    : Optional.ofNullable(Thread.currentThread().getContextClassLoader()).orElse(BackupKit.class.getClassLoader());
            boolean owns = !(storage instanceof StorageProvider);
            StorageProvider resolved = storage instanceof StorageProvider p ? p
                    : Providers.storage(storage instanceof URI u ? u : parse((String) storage), loader);
            resolved = StorageWrappers.install(resolved, retries != null ? retries : RetryPolicy.DEFAULT);
            return new DefaultBackupEngine(new EngineConfig(resolved, Optional.ofNullable(dataSource), Optional.ofNullable(dumper),
                    Optional.ofNullable(fileSet), or(tables, TableSelection.ALL), or(compression, Compression.DEFAULT),
                    listeners, or(clock, Clock.systemUTC()), or(maxImportBytes, DEFAULT_MAX_IMPORT_BYTES),
                    or(parallelism, Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()))), loader, owns,
                    or(healthPolicy, HealthPolicy.DEFAULT), or(lock, EngineConfig.LockSettings.DEFAULT),
                    List.copyOf(restoreDumpers), or(progressInterval, DEFAULT_PROGRESS_INTERVAL),
                    or(connectTimeout, DEFAULT_CONNECT_TIMEOUT),
                    or(noProgressTimeout, Duration.ofMinutes(DEFAULT_NO_PROGRESS_TIMEOUT_MINUTES))));
        }

        private static <T> T or(T value, T otherwise) {
            return value != null ? value : otherwise;
        }

        private static URI parse(String text) {
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
