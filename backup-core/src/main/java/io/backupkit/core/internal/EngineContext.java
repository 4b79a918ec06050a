package io.backupkit.core.internal;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.CancelledException;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.StorageProvider;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one engine's operations share: its configuration, its storage (wrappers included), its clock, and the state
 * of what runs in it. One per engine, shared by its {@code withActor} views; the operation classes and
 * {@code BackupScheduler} reach the engine through it.
 */
public final class EngineContext {
    private static final int JOBS_KEPT = 200;

    final EngineConfig config;
    final StorageProvider storage;
    final Events events;
    final ExecutorService uploads;
    final ExecutorService jobs;
    /** Backups being written by this engine: clean-up never removes them, new ids never collide with them. */
    final Set<BackupId> running = ConcurrentHashMap.newKeySet();
    /** Operation ids of the restores running in this engine: recovery never touches them. */
    final Set<String> runningRestores = ConcurrentHashMap.newKeySet();
    /** Background jobs by operation id; the oldest finished ones are forgotten beyond {@value #JOBS_KEPT}. */
    final Map<String, OperationJob<?>> jobsById = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OperationJob<?>> eldest) {
            return size() > JOBS_KEPT && eldest.getValue().result().isDone();
        }
    });
    final HistoryLog history;
    final BackupStatusStore statuses;
    /** Mutating operations of this engine queue here before they take the storage-wide lease. */
    final Semaphore operationPermit = new Semaphore(1, true);
    final String hostname = HostIdentity.local().hostName();
    private volatile boolean closed;

    EngineContext(EngineConfig config) {
        this.config = config;
        this.storage = config.storage();
        this.events = new Events(config.listeners(), config.clock());
        this.uploads = Executors.newCachedThreadPool(daemon("backupkit-upload-"));
        this.jobs = Executors.newCachedThreadPool(daemon("backupkit-job-"));
        this.history = new HistoryLog(storage);
        this.statuses = new BackupStatusStore(storage, config.clock());
    }

    /** The context of an engine built by {@code BackupKit}; empty for any other implementation. */
    public static Optional<EngineContext> of(BackupEngine engine) {
        return engine instanceof DefaultBackupEngine core ? Optional.of(core.context()) : Optional.empty();
    }

    /** Where the engine keeps its backups, as installed (inside its retry and logging wrappers). */
    public StorageProvider storage() {
        return storage;
    }

    /** The engine's clock. */
    public Clock clock() {
        return config.clock();
    }

    /** @throws CancelledException once the engine was closed */
    void ensureOpen() {
        if (closed) {
            throw new CancelledException("the backup engine was closed");
        }
    }

    /** The dumper a manifest names: the configured one, then the restore dumpers, then the class path's. */
    DatabaseDumper dumperNamed(String name) {
        return config.dumper().filter(d -> d.name().equals(name))
                .or(() -> config.restoreDumpers().stream().filter(d -> d.name().equals(name)).findFirst())
                .orElseGet(() -> Providers.dumperNamed(name, config.classLoader()));
    }

    /** Stops taking work; the storage is closed only when the engine created it (from a URI). */
    void close() {
        if (!closed) {
            closed = true;
            uploads.shutdown();
            jobs.shutdown();
            if (config.ownsStorage()) {
                storage.close();
            }
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
