package io.backupkit.core.internal;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupStats;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.HealthReport;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Job;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.BackupPart;
import io.backupkit.api.BackupType;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.Compression;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.DumpException;
import io.backupkit.api.FileSet;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.Operation;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.StorageException;
import io.backupkit.api.TableSelection;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine behind {@code BackupKit.builder().build()}. */
public final class DefaultBackupEngine implements BackupEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultBackupEngine.class);
    private static final String VERSION = Optional.ofNullable(DefaultBackupEngine.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private final EngineConfig config;
    private final StorageProvider storage;
    private final Shared shared;
    private final String actor;

    /** State shared by an engine and its {@link #withActor} views. */
    private static final class Shared {
        final Events events;
        final ExecutorService uploads;
        final ExecutorService jobs;
        final Set<BackupId> running = ConcurrentHashMap.newKeySet();
        /** Operation ids of the restores running in this engine: recovery never touches them. */
        final Set<String> runningRestores = ConcurrentHashMap.newKeySet();
        final Map<String, JobImpl<?>> jobsById = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, JobImpl<?>> eldest) {
                return size() > 200 && eldest.getValue().result().isDone();
            }
        });
        final HistoryLog history;
        final BackupStatusStore statuses;
        /** Mutating operations of this engine queue here before they take the storage-wide lease. */
        final java.util.concurrent.Semaphore operationPermit = new java.util.concurrent.Semaphore(1, true);
        final String hostname = HostIdentity.local().hostName();
        volatile boolean closed;

        Shared(EngineConfig config) {
            this.events = new Events(config.listeners(), config.clock());
            this.uploads = Executors.newCachedThreadPool(daemon("backupkit-upload-"));
            this.jobs = Executors.newCachedThreadPool(daemon("backupkit-job-"));
            this.history = new HistoryLog(config.storage());
            this.statuses = new BackupStatusStore(config.storage(), config.clock());
        }

        private static java.util.concurrent.ThreadFactory daemon(String prefix) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, prefix + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }

    public DefaultBackupEngine(EngineConfig config) {
        this(config, new Shared(config), null);
        config.dataSource().ifPresent(ds -> LoginTimeout.apply(ds, config.connectTimeout()));
    }

    private DefaultBackupEngine(EngineConfig config, Shared shared, String actor) {
        this.config = config;
        this.storage = config.storage();
        this.shared = shared;
        this.actor = actor;
    }

    @Override
    public BackupEngine withActor(String actor) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank: give a user name or a role such as \"scheduler\"");
        }
        return new DefaultBackupEngine(config, shared, actor.strip());
    }

    private String actorOr(String requested) {
        return !"unknown".equals(requested) ? requested : actor != null ? actor : "unknown";
    }

    // ---------------------------------------------------------------- running operations

    @FunctionalInterface
    private interface Body<T> {
        T run(OperationScope scope) throws Exception;
    }

    private OperationScope scope(Operation op, String actorName, Optional<BackupId> id, OperationScope parent) {
        return new OperationScope(op, actorName, config.clock().instant(), id, parent);
    }

    /** Runs an operation: history record, events, cancellation, one error type out. */
    private <T> T run(OperationScope scope, Body<T> body) {
        ensureOpen();
        scope.startedAt = config.clock().instant();
        scope.status = BackupStatus.RUNNING;
        scope.tracker = shared.events.start(scope.operation, scope.backupId);
        scope.tracker.recordTo(new ProgressRecorder(shared.history, scope, shared.hostname, config.progressInterval()));
        shared.history.write(scope.record(Optional.empty(), Optional.empty(), shared.hostname));
        OperationLock lock = null;
        try {
            scope.checkCancelled();
            lock = lockFor(scope);
            T result = body.run(scope);
            scope.status = scope.failure == null ? BackupStatus.COMPLETED : BackupStatus.FAILED;
            shared.history.write(scope.record(Optional.of(config.clock().instant()), Optional.ofNullable(scope.failure),
                    shared.hostname));
            scope.afterRecorded.run();
            scope.tracker.finished();
            return result;
        } catch (Exception | Error e) {
            BackupException failure = translate(e, scope.operation.name().toLowerCase(java.util.Locale.ROOT)
                    + scope.backupId.map(id -> " of " + id).orElse("") + " failed", kindOf(scope.operation));
            if (scope.status != BackupStatus.ROLLED_BACK) {
                scope.status = BackupStatus.FAILED;
            }
            shared.history.write(scope.record(Optional.of(config.clock().instant()), Optional.of(failure.getMessage()),
                    shared.hostname));
            scope.afterRecorded.run();
            scope.tracker.failed(failure);
            throw failure;
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * Backup, restore, delete, import and clean-up hold the storage-wide lease so that instances sharing a storage
     * never run over each other; inside this engine they queue. Nested operations (a restore's safety backup) run
     * under their parent's lock.
     */
    private OperationLock lockFor(OperationScope scope) throws InterruptedException {
        boolean mutating = switch (scope.operation) {
            case BACKUP, RESTORE, DELETE, IMPORT, CLEANUP, RECOVER -> true;
            default -> false;
        };
        if (!mutating || scope.parent != null) {
            return null;
        }
        while (!shared.operationPermit.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            ensureOpen();
            scope.checkCancelled();
        }
        if (!config.lock().enabled()) {
            return new OperationLock(shared.operationPermit, null);
        }
        try {
            StorageLease lease = StorageLease.builder(storage, "operations").ttl(config.lock().ttl())
                    .settleDelay(config.lock().settleDelay()).holderId(scope.id)
                    .onLost(reason -> {
                        LOG.error("{} {} lost the storage lock ({}); stopping it", scope.operation, scope.id, reason);
                        scope.cancel();
                    })
                    .build();
            return new OperationLock(shared.operationPermit, lease.acquire(config.lock().maxWait()));
        } catch (RuntimeException e) {
            shared.operationPermit.release();
            throw e;
        }
    }

    /** Releases the lease (if any) and the in-process permit. */
    private record OperationLock(java.util.concurrent.Semaphore permit, StorageLease.Held lease) implements AutoCloseable {
        /** Never throws: a lock that cannot be released lapses after its ttl, and must not hide the operation's outcome. */
        @Override
        public void close() {
            try {
                if (lease != null) {
                    lease.close();
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not release the storage lock (it lapses by itself after its ttl): {}", e.getMessage());
            } finally {
                permit.release();
            }
        }
    }

    private static Kind kindOf(Operation op) {
        return switch (op) {
            case BACKUP -> Kind.DUMP;
            case RESTORE -> Kind.RESTORE;
            default -> Kind.STORAGE;
        };
    }

    private <T> Job<T> submit(OperationScope scope, Body<T> body) {
        ensureOpen();
        JobImpl<T> job = new JobImpl<>(scope);
        shared.jobsById.put(scope.id, job);
        shared.history.write(scope.record(Optional.empty(), Optional.empty(), shared.hostname));
        shared.jobs.execute(() -> {
            try {
                job.future.complete(run(scope, body));
            } catch (BackupException e) {
                job.future.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                job.future.completeExceptionally(translate(e, "job " + scope.id + " failed", kindOf(scope.operation)));
            }
        });
        return job;
    }

    @Override
    public Job<BackupResult> startBackup(BackupRequest request) {
        Prepared p = prepare(request);
        OperationScope scope = scope(Operation.BACKUP, actorOr(request.actor()), Optional.of(p.id), null);
        return submit(scope, sc -> takeBackup(sc, p));
    }

    @Override
    public Job<RestoreResult> startRestore(RestoreRequest request) {
        OperationScope scope = scope(Operation.RESTORE, actorOr(request.actor()), Optional.of(request.backupId()), null);
        return submit(scope, sc -> new RestoreRun(request, sc).run());
    }

    @Override
    public Job<VerifyReport> startVerify(BackupId id) {
        OperationScope scope = scope(Operation.VERIFY, actorOr("unknown"), Optional.of(id), null);
        return submit(scope, sc -> doVerify(sc, id));
    }

    @Override
    public Optional<Job<?>> job(String jobId) {
        return Optional.ofNullable(shared.jobsById.get(jobId));
    }

    @Override
    public List<io.backupkit.api.JobInfo> jobs(int recent) {
        if (recent < 0) {
            throw new IllegalArgumentException("recent must not be negative, was " + recent);
        }
        ensureOpen();
        return shared.history.jobs(recent);
    }

    @Override
    public Optional<io.backupkit.api.JobInfo> jobInfo(String operationId) {
        java.util.Objects.requireNonNull(operationId, "operationId");
        ensureOpen();
        return shared.history.findJob(operationId.strip());
    }

    /** A background operation's handle. */
    private static final class JobImpl<T> implements Job<T> {
        private final OperationScope scope;
        private final java.util.concurrent.CompletableFuture<T> future = new java.util.concurrent.CompletableFuture<>();

        JobImpl(OperationScope scope) {
            this.scope = scope;
        }

        @Override
        public String id() {
            return scope.id;
        }

        @Override
        public Operation operation() {
            return scope.operation;
        }

        @Override
        public BackupStatus status() {
            return scope.status;
        }

        @Override
        public Optional<BackupId> backupId() {
            return scope.backupId;
        }

        @Override
        public Optional<io.backupkit.api.BackupEvent.Progress> progress() {
            Events.Tracker t = scope.tracker;
            return t == null ? Optional.empty() : t.lastProgress();
        }

        @Override
        public java.util.concurrent.CompletableFuture<T> result() {
            return future.copy();
        }

        @Override
        public boolean cancel() {
            if (future.isDone()) {
                return false;
            }
            scope.cancel();
            return true;
        }

        @Override
        public String toString() {
            return "Job[" + scope.id + " " + scope.status + "]";
        }
    }

    // ---------------------------------------------------------------- backup

    /** A backup request resolved against the engine's configuration and checked before anything is written. */
    private record Prepared(BackupId id, BackupType type, String name, String notes, Set<String> tags,
                            Optional<DataSource> dataSource, TableSelection tables, Optional<FileSet> files,
                            Compression compression, boolean allowIncomplete, String partial) {
    }

    private Prepared prepare(BackupRequest request) {
        ensureOpen();
        BackupType type = request.type();
        Optional<DataSource> ds = type.includesDatabase() ? Optional.of(requireDataSource()) : Optional.empty();
        Optional<FileSet> files = type.includesFiles() ? Optional.of(request.files().or(config::fileSet).orElseThrow(() ->
                new ConfigurationException("a " + type + " backup needs media files: configure them with files(...) on the "
                        + "engine builder or on the BackupRequest"))) : Optional.empty();
        files.ifPresent(FilesArchiver::checkRoots);
        // A table filter on the request makes a partial backup; the engine's configured selection is its normal scope.
        String partial = request.tables().filter(t -> !t.equals(TableSelection.ALL))
                .map(t -> "tables: " + describe(t)).orElse("");
        return new Prepared(newId(type), type, request.name(), request.notes(), request.tags(), ds,
                request.tables().orElse(config.tables()), files, request.compression().orElse(config.compression()),
                request.allowIncomplete(), partial);
    }

    @Override
    public BackupResult backup(BackupRequest request) {
        Prepared p = prepare(request);
        return run(scope(Operation.BACKUP, actorOr(request.actor()), Optional.of(p.id), null), sc -> takeBackup(sc, p));
    }

    private BackupResult takeBackup(OperationScope scope, Prepared p) throws IOException {
        BackupId id = p.id;
        scope.options.put("type", p.type.name());
        if (!p.name.isEmpty()) {
            scope.options.put("name", p.name);
        }
        p.dataSource.ifPresent(ds -> scope.options.put("tables", describe(p.tables)));
        p.files.ifPresent(f -> scope.target = f.roots().values().toString());
        scope.options.put("compression", p.compression.codec() + ":" + p.compression.level());
        shared.running.add(id);
        Events.Tracker tracker = scope.tracker;
        BackupWriter writer = new BackupWriter(storage, id, shared.uploads, tracker::bytes);
        List<String> warnings = new ArrayList<>();
        try {
            Optional<Manifest.DatabasePart> db = Optional.empty();
            if (p.dataSource.isPresent()) {
                DatabaseDumper dumper = config.dumper().orElseGet(() -> Providers.dumperFor(p.dataSource.get(), config.classLoader()));
                DumpSummary summary = dump(dumper, p.dataSource.get(), p.tables, p.compression, writer, scope);
                warnings.addAll(summary.warnings());
                refuseIncomplete(summary, p.allowIncomplete);
                db = Optional.of(new Manifest.DatabasePart(dumper.name(), summary.product(), summary.url(), summary.tables(),
                        summary.metadata(), summary.notCaptured(), summary.outsideBackup()));
                summary.notCaptured().forEach(o -> warnings.add("not captured (backup is INCOMPLETE): " + o));
                scope.target = summary.url() + (scope.target.isEmpty() ? "" : " + " + scope.target);
            }
            Optional<Manifest.FilesPart> filesPart = Optional.empty();
            if (p.files.isPresent()) {
                filesPart = Optional.of(archiveFiles(p.files.get(), p.compression, writer, scope, warnings));
            }
            scope.checkCancelled();
            Manifest manifest = new Manifest(Manifest.CURRENT_FORMAT, id, p.type, p.name, p.notes, p.tags,
                    scope.startedAt, config.clock().instant(), new Manifest.SourceInfo(shared.hostname, VERSION),
                    writer.objects(), db, filesPart, warnings);
            writer.putSmall(Layout.STATUS, BackupStatusStore.encode(manifest, p.partial, config.clock()));
            writer.putSmall(Layout.MANIFEST, ManifestCodec.write(manifest));
            LOG.info("Backup {} ({}) complete: {} objects, {} bytes stored, {} warnings", id, p.type,
                    manifest.objects().size(), manifest.storedBytes(), warnings.size());
            warnings.forEach(w -> LOG.warn("Backup {}: {}", id, w));
            return new BackupResult(manifest, tracker.elapsed(), warnings);
        } catch (RuntimeException | IOException | Error e) {
            for (Exception cleanup : writer.abortAndDeleteAll(e)) {
                e.addSuppressed(cleanup);
            }
            throw e;
        } finally {
            shared.running.remove(id);
        }
    }

    /** A dump that missed objects fails the backup, unless the caller accepted an INCOMPLETE backup. */
    private static void refuseIncomplete(DumpSummary summary, boolean allowIncomplete) {
        if (summary.notCaptured().isEmpty() || allowIncomplete) {
            return;
        }
        throw new DumpException("the database has " + summary.notCaptured().size() + " object(s) this dumper cannot "
                + "capture, so a restore would not give the same database back:\n  - "
                + String.join("\n  - ", summary.notCaptured())
                + "\nUse a dumper that captures them, or accept an INCOMPLETE backup that lacks them: "
                + "BackupRequest.builder(...).allowIncomplete(true) (CLI: --allow-incomplete)");
    }

    private static String describe(TableSelection t) {
        if (t.isAll()) {
            return "all";
        }
        return (t.includes().isEmpty() ? "all" : String.join(",", t.includes()))
                + (t.excludes().isEmpty() ? "" : " except " + String.join(",", t.excludes()));
    }

    /** Progress and cancellation, as both dumper contexts report them. */
    private abstract class ReportingContext {
        private final OperationScope scope;

        ReportingContext(OperationScope scope) {
            this.scope = scope;
        }

        public void addRows(long rows) {
            scope.tracker.rows(rows);
        }

        public void tableDone(String qualifiedName) {
            scope.tracker.tableDone();
        }

        public void checkCancelled() {
            ensureOpen();
            scope.checkCancelled();
        }
    }

    private DumpSummary dump(DatabaseDumper dumper, DataSource ds, TableSelection tables, Compression compression,
                             BackupWriter writer, OperationScope scope) {
        abstract class Context extends ReportingContext implements DumpContext {
            Context() {
                super(scope);
            }
        }
        DumpContext context = new Context() {
            @Override
            public DataSource dataSource() {
                return ds;
            }

            @Override
            public TableSelection tables() {
                return tables;
            }

            @Override
            public int parallelism() {
                return config.parallelism();
            }

            @Override
            public OutputStream createObject(String name, Manifest.ObjectKind kind) {
                return writer.create(objectPath(name), kind, compression);
            }

            @Override
            public String objectPath(String name) {
                return "db/" + compression.appendExtension(name);
            }

        };
        return dumper.dump(context);
    }

    private Manifest.FilesPart archiveFiles(FileSet fileSet, Compression compression, BackupWriter writer,
                                            OperationScope scope, List<String> warnings) throws IOException {
        Events.Tracker tracker = scope.tracker;
        String archivePath = "files/" + compression.appendExtension("files.tar");
        String indexPath = "files/" + compression.appendExtension("index.jsonl");
        FilesArchiver archiver = new FilesArchiver(fileSet, storage.localFolder(), tracker::files, () -> {
            ensureOpen();
            scope.checkCancelled();
        });
        OutputStream tar = writer.create(archivePath, Manifest.ObjectKind.FILES_ARCHIVE, compression);
        OutputStream index = writer.create(indexPath, Manifest.ObjectKind.FILES_INDEX, compression);
        List<Manifest.FileRoot> roots;
        try {
            roots = archiver.write(tar, index);
        } catch (RuntimeException | IOException | Error e) {
            BackupWriter.abort(tar, e);
            BackupWriter.abort(index, e);
            throw e;
        }
        try {
            tar.close();
        } finally {
            index.close();
        }
        warnings.addAll(archiver.warnings());
        return new Manifest.FilesPart(roots, archivePath, indexPath);
    }

    // ---------------------------------------------------------------- catalogue

    @Override
    public List<BackupInfo> list(BackupQuery query) {
        ensureOpen();
        Set<String> pinned = pinnedIds();
        List<BackupInfo> out = new ArrayList<>();
        for (String key : manifestKeys()) {
            catalogueLine(key).filter(query::matches)
                    .map(i -> i.withPinned(pinned.contains(i.id().value()))).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(BackupInfo::createdAt).thenComparing(BackupInfo::id).reversed());
        return query.limit() > 0 && out.size() > query.limit() ? List.copyOf(out.subList(0, query.limit())) : out;
    }

    @Override
    public Optional<BackupInfo> info(BackupId id) {
        return find(id).map(m -> BackupInfo.of(m, shared.statuses.read(m))
                .withPinned(storage.stat(Layout.pinKey(id)).isPresent()));
    }

    private Set<String> pinnedIds() {
        try (Stream<BlobInfo> s = storage.list(Layout.PINS)) {
            return s.map(b -> b.key().substring(Layout.PINS.length())).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Override
    public void pin(BackupId id) {
        run(scope(Operation.PIN, actorOr("unknown"), Optional.of(id), null), sc -> {
            require(id);
            byte[] record = Json.compact().writeValueAsBytes(Map.of("id", id.value(), "pinnedAt",
                    config.clock().instant().toString(), "actor", sc.actor));
            storage.put(Layout.pinKey(id), io.backupkit.api.spi.ContentSource.of(record));
            return null;
        });
    }

    @Override
    public void unpin(BackupId id) {
        run(scope(Operation.UNPIN, actorOr("unknown"), Optional.of(id), null), sc -> {
            storage.delete(Layout.pinKey(id));
            return null;
        });
    }

    private List<String> manifestKeys() {
        try (Stream<BlobInfo> all = storage.list(Layout.BACKUPS)) {
            return all.map(BlobInfo::key).filter(Layout::isManifest).toList();
        }
    }

    /** A manifest that cannot be read is listed as DAMAGED, never hidden; verify() and restore() say why. */
    private Optional<BackupInfo> catalogueLine(String key) {
        try {
            Manifest m = loadManifest(key);
            return Optional.of(BackupInfo.of(m, shared.statuses.read(m)));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        } catch (IntegrityException | io.backupkit.api.UnsupportedBackupException e) {
            LOG.warn("Backup {} is DAMAGED: its manifest cannot be read: {}", key, e.getMessage());
            return DamagedBackups.line(storage, key);
        }
    }

    private Manifest loadManifest(String key) {
        return ManifestCodec.read(readSmall(key), key);
    }

    private byte[] readSmall(String key) {
        try (InputStream in = storage.get(key)) {
            byte[] bytes = in.readNBytes(ManifestCodec.MAX_MANIFEST_BYTES + 1);
            return bytes;
        } catch (IOException e) {
            throw new StorageException("could not read " + key + ": " + e.getMessage(), true, e);
        }
    }

    @Override
    public Optional<Manifest> find(BackupId id) {
        ensureOpen();
        try {
            return Optional.of(loadManifest(Layout.manifestKey(id)));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        }
    }

    private Manifest require(BackupId id) {
        return find(id).orElseThrow(() -> new BackupNotFoundException("no backup " + id + " in " + storage.description()
                + "; list() shows the backups there"));
    }

    @Override
    public VerifyReport verify(BackupId id) {
        return run(scope(Operation.VERIFY, actorOr("unknown"), Optional.of(id), null), sc -> doVerify(sc, id));
    }

    private VerifyReport doVerify(OperationScope scope, BackupId id) {
        Manifest m = require(id);
        scope.tracker.totalBytes(m.storedBytes());
        List<VerifyReport.ObjectCheck> checks = new ArrayList<>();
        for (Manifest.StoredObject o : m.objects()) {
            scope.checkCancelled();
            checks.add(VerifiedObjectStream.check(storage, id, o));
            scope.tracker.bytes(o.storedSize());
        }
        VerifyReport report = new VerifyReport(id, checks, scope.tracker.elapsed());
        report.problems().forEach(p -> LOG.warn("Backup {}: {} {}", id, p.status(), p.detail()));
        scope.options.put("result", report.ok() ? "intact" : report.problems().size() + " damaged object(s)");
        io.backupkit.api.BackupState state = shared.statuses.update(m,
                s -> s.checked(shared.statuses.now(), scope.actor, report.problems()));
        if (!report.ok()) {
            scope.failure = "backup " + id + " is " + state.integrity() + ": " + String.join("; ", state.problems());
        }
        return report;
    }

    @Override
    public void delete(BackupId id) {
        run(scope(Operation.DELETE, actorOr("unknown"), Optional.of(id), null), sc -> {
            if (storage.stat(Layout.manifestKey(id)).isEmpty()) {
                throw new BackupNotFoundException("no backup " + id + " in " + storage.description() + " to delete");
            }
            long[] d = deleteBackupObjects(id);
            storage.delete(Layout.pinKey(id));
            sc.options.put("objects", Long.toString(d[0]));
            LOG.info("Deleted backup {}", id);
            return null;
        });
    }

    /**
     * Deletes a backup: the manifest first (from then on it is gone from the catalogue, even if deleting the rest
     * fails), then its status object, then every other object. Returns the objects deleted and the bytes of the
     * backup's data objects, which is what its {@code storedBytes} and a retention plan's {@code bytesToFree} count.
     */
    private long[] deleteBackupObjects(BackupId id) {
        storage.delete(Layout.manifestKey(id));
        boolean hasStatus = storage.stat(Layout.statusKey(id)).isPresent(); // backups older than status objects have none
        if (hasStatus) {
            storage.delete(Layout.statusKey(id));
        }
        long[] rest = deleteFolder(Layout.folder(id));
        return new long[] {rest[0] + (hasStatus ? 2 : 1), rest[1]};
    }

    private long[] deleteFolder(String prefix) {
        List<BlobInfo> blobs;
        try (Stream<BlobInfo> s = storage.list(prefix)) {
            blobs = s.toList();
        }
        long bytes = 0;
        for (BlobInfo b : blobs) {
            storage.delete(b.key());
            bytes += b.size();
        }
        return new long[] {blobs.size(), bytes};
    }

    @Override
    public CleanupResult cleanUpInterrupted() {
        return run(scope(Operation.CLEANUP, actorOr("unknown"), Optional.empty(), null), sc -> {
            sc.options.put("kind", "interrupted backups");
            List<String> removed = new ArrayList<>();
            long objects = 0;
            long bytes = 0;
            for (String id : interruptedBackups()) {
                long[] d = deleteFolder(Layout.BACKUPS + id + "/");
                objects += d[0];
                bytes += d[1];
                removed.add(id);
                LOG.info("Removed interrupted backup {} ({} objects, {} bytes)", id, d[0], d[1]);
            }
            markInterruptedRuns(removed);
            sc.options.put("removed", String.join(",", removed));
            return new CleanupResult(removed, objects, bytes);
        });
    }

    @Override
    public List<String> interruptedBackups() {
        ensureOpen();
        Map<String, Boolean> hasManifest = new TreeMap<>();
        try (Stream<BlobInfo> all = storage.list(Layout.BACKUPS)) {
            all.forEach(b -> Layout.idOf(b.key()).ifPresent(id ->
                    hasManifest.merge(id, Layout.isManifest(b.key()), Boolean::logicalOr)));
        }
        return hasManifest.entrySet().stream().filter(e -> !e.getValue() && !isRunning(e.getKey())).map(Map.Entry::getKey)
                .toList();
    }

    /** History records of backups whose process died still say RUNNING: close them as FAILED. */
    private void markInterruptedRuns(List<String> removedIds) {
        if (removedIds.isEmpty()) {
            return;
        }
        for (OperationRecord r : shared.history.query(HistoryQuery.all().withOperation(Operation.BACKUP)
                .withStatus(BackupStatus.RUNNING))) {
            if (r.backupId().map(id -> removedIds.contains(id.value())).orElse(false)) {
                shared.history.write(new OperationRecord(r.id(), r.operation(), BackupStatus.FAILED, r.backupId(), r.actor(),
                        r.startedAt(), Optional.of(config.clock().instant()), r.target(), r.options(),
                        Optional.of("interrupted: the process stopped before the backup was complete; its objects were "
                                + "removed by clean-up"), r.safetyBackup(), r.host()));
            }
        }
    }

    private boolean isRunning(String id) {
        return shared.running.stream().anyMatch(r -> r.value().equals(id));
    }

    // ---------------------------------------------------------------- export / import

    @Override
    public void exportBackup(BackupId id, OutputStream out) {
        run(scope(Operation.EXPORT, actorOr("unknown"), Optional.of(id), null), sc -> {
            byte[] manifestBytes;
            try {
                manifestBytes = readSmall(Layout.manifestKey(id));
            } catch (BlobNotFoundException e) {
                throw new BackupNotFoundException("no backup " + id + " in " + storage.description() + " to export", e);
            }
            Manifest m = ManifestCodec.read(manifestBytes, Layout.manifestKey(id));
            sc.tracker.totalBytes(m.storedBytes());
            new ArchiveTransfer(storage).export(m, manifestBytes, out, sc.tracker::bytes);
            return null;
        });
    }

    @Override
    public void exportPart(BackupId id, BackupPart part, OutputStream out) {
        Objects.requireNonNull(part, "part");
        run(scope(Operation.EXPORT, actorOr("unknown"), Optional.of(id), null), sc -> {
            Manifest whole = find(id).orElseThrow(() -> new BackupNotFoundException("no backup " + id + " in "
                    + storage.description() + " to export"));
            Manifest m = partManifest(whole, part);
            sc.tracker.totalBytes(m.storedBytes());
            new ArchiveTransfer(storage).export(m, ManifestCodec.write(m), out, sc.tracker::bytes);
            return null;
        });
    }

    /** The manifest of a backup reduced to one part: its objects, its section, the matching type. */
    private static Manifest partManifest(Manifest m, BackupPart part) {
        Set<String> fileObjects = m.files().map(f -> Set.of(f.archive(), f.index())).orElse(Set.of());
        boolean files = part == BackupPart.FILES;
        if (files ? m.files().isEmpty() : m.database().isEmpty()) {
            throw new BackupNotFoundException("backup " + m.id() + " (" + m.type() + ") has no "
                    + part.name().toLowerCase(java.util.Locale.ROOT) + " part to export");
        }
        List<Manifest.StoredObject> objects = m.objects().stream()
                .filter(o -> fileObjects.contains(o.path()) == files).toList();
        return new Manifest(m.format(), m.id(), files ? BackupType.FILES : BackupType.DATABASE, m.name(), m.notes(),
                m.tags(), m.createdAt(), m.finishedAt(), m.source(), objects,
                files ? Optional.empty() : m.database(), files ? m.files() : Optional.empty(), m.warnings());
    }

    @Override
    public Manifest importBackup(InputStream in) {
        return run(scope(Operation.IMPORT, actorOr("unknown"), Optional.empty(), null), sc -> {
            Manifest m = new ArchiveTransfer(storage).importArchive(in, config.maxImportBytes(), sc.tracker::bytes);
            sc.backupId = Optional.of(m.id());
            // The import checked every object: the copy in this storage starts out verified.
            shared.statuses.update(m, s -> s.checked(shared.statuses.now(), "import by " + sc.actor, List.of()));
            LOG.info("Imported backup {} ({} objects, {} bytes)", m.id(), m.objects().size(), m.storedBytes());
            return m;
        });
    }

    // ---------------------------------------------------------------- restore

    @Override
    public RestoreResult restore(RestoreRequest request) {
        OperationScope scope = scope(Operation.RESTORE, actorOr(request.actor()), Optional.of(request.backupId()), null);
        return run(scope, sc -> new RestoreRun(request, sc).run());
    }

    /** One restore: validate everything, then (unless a dry run) safety backup, database, files. */
    private final class RestoreRun {
        private final RestoreRequest request;
        private final OperationScope scope;
        private final Events.Tracker tracker;
        private final Manifest manifest;

        /** The intent record, from the moment the restore is about to touch anything; null for nested restores. */
        private RestoreIntent intent;
        private final RestoreJournal journal = new RestoreJournal(storage);

        RestoreRun(RestoreRequest request, OperationScope scope) {
            this.request = request;
            this.scope = scope;
            this.tracker = scope.tracker;
            this.manifest = require(request.backupId());
            scope.options.put("mode", request.mode().name());
            if (request.mergeConflicts() != io.backupkit.api.MergeConflictPolicy.FAIL) {
                scope.options.put("mergeConflicts", request.mergeConflicts().name());
            }
            scope.options.put("filesMode", request.filesMode().name());
            scope.options.put("tables", describe(request.tables()));
            if (request.validateOnly()) {
                scope.options.put("validateOnly", "true");
            }
            if (!request.safetyBackup()) {
                scope.options.put("safetyBackup", "skipped");
            }
            request.schemaMapping().forEach((from, to) -> scope.options.put("schema " + from, to));
        }

        RestoreResult run() throws IOException {
            boolean doDb = request.database() && manifest.database().isPresent();
            boolean doFiles = request.files() && manifest.files().isPresent();
            if (!doDb && !doFiles) {
                throw new ConfigurationException("backup " + manifest.id() + " (" + manifest.type() + ") has no "
                        + (request.files() && !request.database() ? "files" : request.database() && !request.files()
                        ? "database" : "database or files") + " part to restore");
            }
            if (!request.database() || !request.files()) {
                if (request.database() && manifest.database().isEmpty()) {
                    throw new ConfigurationException("backup " + manifest.id() + " has no database part to restore");
                }
                if (request.files() && manifest.files().isEmpty()) {
                    throw new ConfigurationException("backup " + manifest.id() + " has no files part to restore");
                }
            }
            request.targetDataSource().ifPresent(ds -> LoginTimeout.apply(ds, config.connectTimeout()));
            DataSource target = doDb ? request.targetDataSource().or(config::dataSource).orElseThrow(() ->
                    new ConfigurationException("backup " + manifest.id() + " has a database part but no database to restore "
                            + "it into: configure dataSource(...) on the builder, or set targetDataSource on the request, or "
                            + "restore the files only")) : null;
            DatabaseDumper dumper = doDb ? dumperFor(manifest.database().get()) : null;
            Map<String, Path> fileTargets = doFiles ? fileTargets(manifest.files().get()) : Map.of();
            scope.target = (doDb ? manifest.database().get().url() + " (" + request.targetDataSource().map(d -> "other database")
                    .orElse("the application's database") + ")" : "") + (doDb && doFiles ? " + " : "")
                    + (doFiles ? fileTargets.values().toString() : "");
            if (!request.validateOnly()) {
                recoverUnfinished(fileTargets.values());
            }

            // 1. Validate everything before touching anything.
            List<Manifest.StoredObject> needed = new ArrayList<>();
            if (doDb) {
                needed.addAll(manifest.objects().stream().filter(o -> o.path().startsWith("db/")).toList());
            }
            if (doFiles) {
                Manifest.FilesPart f = manifest.files().get();
                needed.add(manifest.object(f.archive()).orElseThrow());
                needed.add(manifest.object(f.index()).orElseThrow());
            }
            tracker.totalBytes(needed.stream().mapToLong(Manifest.StoredObject::storedSize).sum());
            for (Manifest.StoredObject o : needed) {
                scope.checkCancelled();
                VerifyReport.ObjectCheck check = VerifiedObjectStream.checkStored(storage, manifest.id(), o);
                if (check.status() != VerifyReport.CheckStatus.OK) {
                    shared.statuses.update(manifest, s -> s.checked(shared.statuses.now(), scope.actor, List.of(check)));
                    throw new IntegrityException("backup " + manifest.id() + " cannot be restored: " + check.detail()
                            + "; nothing was changed");
                }
            }
            if (doFiles) {
                checkFreeSpace(manifest.files().get(), fileTargets);
            }
            FilesRestorer filesRestorer = doFiles ? new FilesRestorer(fileTargets, request.filesMode(),
                    request.overwriteExisting(), tracker::files, () -> {
                        ensureOpen();
                        scope.checkCancelled();
                    }) : null;
            List<RestoreResult.TableChange> tablePreview = doDb ? dumper.preview(restoreContext(manifest, target, request.mode(),
                    request.tables(), request.schemaMapping())) : List.of();
            List<RestoreResult.FilesChange> filesPreview = List.of();
            if (doFiles) {
                try (InputStream index = openFilesIndex()) {
                    filesPreview = filesRestorer.preview(index);
                }
            }
            if (request.validateOnly()) {
                if (doFiles) {
                    // what the restore checks while extracting, the dry run checks without writing
                    try (InputStream archive = open(manifest.files().get().archive()); InputStream index = openFilesIndex()) {
                        FilesRestorer.checkArchive(archive, index);
                    }
                }
                return new RestoreResult(manifest.id(), true, Optional.empty(), tablePreview, filesPreview, tracker.elapsed());
            }
            startIntent(filesRestorer);

            // 2. Safety backup of exactly what will be overwritten.
            scope.checkCancelled();
            Optional<BackupId> safety = request.safetyBackup()
                    ? safetyBackup(target, tablePreview, fileTargets) : Optional.empty();
            scope.safetyBackup = safety;
            scope.checkCancelled();

            // 3. Restore; on failure, put back whatever was touched.
            List<RestoreResult.TableChange> tables = List.of();
            List<RestoreResult.FilesChange> files = List.of();
            boolean dbStarted = false;
            boolean dbDone = false;
            java.util.concurrent.atomic.AtomicBoolean filesCommitting = new java.util.concurrent.atomic.AtomicBoolean();
            try {
                if (doDb) {
                    intentDatabase(dumper, target, tablePreview);
                    dbStarted = true;
                    tables = dumper.restore(restoreContext(manifest, target, request.mode(), request.tables(),
                            request.schemaMapping()));
                    dbDone = true;
                    intentPhase(RestoreIntent.Phase.DATABASE_DONE);
                }
                if (doFiles) {
                    intentPhase(RestoreIntent.Phase.FILES_STAGING);
                    Manifest.FilesPart f = manifest.files().get();
                    try (InputStream archive = open(f.archive()); InputStream index = open(f.index());
                         InputStream indexForCounts = open(f.index())) {
                        files = filesRestorer.restore(archive, index, indexForCounts, () -> {
                            intentPhase(RestoreIntent.Phase.FILES_COMMITTING);
                            filesCommitting.set(true);
                        });
                    }
                }
                intentPhase(RestoreIntent.Phase.DONE);
            } catch (RuntimeException | IOException | Error e) {
                BackupException failure = translate(e, "restore of " + manifest.id() + " failed", Kind.RESTORE);
                boolean dbRolledBackByTransaction = dbStarted && !dbDone && dumper.restoresAtomically(target);
                boolean dbNeedsRollback = dbStarted && !dbRolledBackByTransaction;
                throw rollback(failure, safety, dbNeedsRollback, dbRolledBackByTransaction, filesCommitting.get(),
                        target, dumper, tablePreview, fileTargets);
            }
            LOG.info("Restored backup {}: {} tables, {} file roots", manifest.id(), tables.size(), files.size());
            shared.statuses.update(manifest, s -> s.restored(shared.statuses.now()));
            return new RestoreResult(manifest.id(), false, safety, tables, files, tracker.elapsed());
        }

        /**
         * Before touching anything: finishes or undoes restores of this storage (and of these file targets) whose
         * process died. Nested restores (a recovery's own) do not.
         */
        private void recoverUnfinished(java.util.Collection<Path> targets) {
            if (scope.parent != null) {
                return;
            }
            RestoreRecovery recovery = recovery();
            for (RecoveryReport.Recovered r : recovery.recoverAll(scope.id, config.lock().enabled(),
                    databaseWayBack(request.targetDataSource(), scope)).recovered()) {
                logRecovered(r);
            }
            for (Path t : targets) {
                recovery.recoverBeside(t, scope.id, config.lock().enabled(), databaseWayBack(request.targetDataSource(), scope))
                        .ifPresent(DefaultBackupEngine::logRecovered);
            }
        }

        /** Writes the intent record: from here on a crash is recoverable from the record alone. */
        private void startIntent(FilesRestorer filesRestorer) {
            if (scope.parent != null) {
                return;
            }
            intent = new RestoreIntent(RestoreIntent.FORMAT, scope.id, manifest.id().value(), scope.actor,
                    HostIdentity.local().fingerprint(), HostIdentity.local().pid(),
                    HostIdentity.local().processStart().orElse(null), scope.startedAt, config.clock().instant(),
                    RestoreIntent.Phase.STARTED, Optional.empty(), Optional.empty(),
                    filesRestorer == null ? List.of() : filesRestorer.plan());
            journal.write(intent);
            shared.runningRestores.add(scope.id);
            scope.afterRecorded = this::closeIntent;
            CrashPoints.reached(CrashPoints.INTENT_WRITTEN);
        }

        private void intentPhase(RestoreIntent.Phase phase) {
            if (intent != null) {
                intent = intent.at(phase, config.clock().instant());
                journal.write(intent);
            }
        }

        private void intentSafetyBackup(BackupId id) {
            if (intent != null) {
                intent = intent.withSafetyBackup(id.value(), config.clock().instant());
                journal.write(intent);
            }
        }

        private void intentDatabase(DatabaseDumper dumper, DataSource target, List<RestoreResult.TableChange> preview) {
            if (intent == null) {
                return;
            }
            List<String> created = preview.stream().filter(t -> t.rowsBefore() < 0).map(RestoreResult.TableChange::table).toList();
            intent = intent.withDatabase(new RestoreIntent.DatabaseIntent(dumper.name(), JdbcUrls.of(target),
                    request.targetDataSource().isEmpty(), dumper.restoresAtomically(target), created,
                    !request.safetyBackup(), Map.of()), config.clock().instant()).at(RestoreIntent.Phase.DATABASE,
                    config.clock().instant());
            journal.write(intent);
            CrashPoints.reached(CrashPoints.DATABASE_STARTING);
        }

        /** A dumper's own way back, written into the intent record before the step that needs it. */
        private void intentDumperData(String key, String value) {
            if (intent == null || intent.database().isEmpty()) {
                return;
            }
            RestoreIntent.DatabaseIntent d = intent.database().get();
            Map<String, String> data = new TreeMap<>(d.dumperData());
            data.put(key, value);
            intent = intent.withDatabase(new RestoreIntent.DatabaseIntent(d.dumper(), d.url(), d.engineDataSource(),
                    d.atomic(), d.createdTables(), d.safetySkipped(), data), config.clock().instant());
            journal.write(intent);
        }

        /**
         * The outcome is in the history: the intent record goes, unless putting the target back failed, in which case
         * it stays so that {@code recover} tries again from the record.
         */
        private void closeIntent() {
            shared.runningRestores.remove(scope.id);
            if (intent != null && !rollbackFailed) {
                try {
                    journal.remove(intent);
                } catch (RuntimeException e) {
                    LOG.warn("Could not remove the intent record of restore {}: {}; the next restore or recover removes it",
                            scope.id, e.getMessage());
                }
            }
        }

        private boolean rollbackFailed;

        /** Puts the touched parts of the target back as they were before the restore, and says how that went. */
        private RestoreFailedException rollback(BackupException failure, Optional<BackupId> safety, boolean db,
                                                boolean dbByTransaction, boolean files, DataSource target,
                                                DatabaseDumper dumper, List<RestoreResult.TableChange> tablePreview,
                                                Map<String, Path> fileTargets) {
            String what = failure.getMessage();
            if (!db && !files) {
                RestoreFailedException.TargetState state = dbByTransaction
                        ? RestoreFailedException.TargetState.ROLLED_BACK : RestoreFailedException.TargetState.UNCHANGED;
                if (dbByTransaction) {
                    scope.status = BackupStatus.ROLLED_BACK;
                }
                return new RestoreFailedException(what + (dbByTransaction ? "; the database transaction was rolled back, "
                        + "the target is as it was" : "; nothing was changed"), state, safety, failure);
            }
            if (safety.isEmpty()) {
                return new RestoreFailedException(what + "; the target may be partly restored and no safety backup was "
                        + "taken (it was skipped or there was nothing to save): restore again, or restore an older backup",
                        RestoreFailedException.TargetState.PARTIALLY_RESTORED, safety, failure);
            }
            LOG.warn("Restore of {} failed ({}); putting the target back from safety backup {}", manifest.id(), what, safety.get());
            try {
                Manifest saved = require(safety.get());
                if (db) {
                    List<String> created = tablePreview.stream().filter(t -> t.rowsBefore() < 0)
                            .map(RestoreResult.TableChange::table).toList();
                    if (!created.isEmpty()) {
                        dumper.dropTables(target, created);
                    }
                    if (saved.database().isPresent()) {
                        dumperFor(saved.database().get()).restore(restoreContext(saved, target, io.backupkit.api.RestoreMode.REPLACE,
                                TableSelection.ALL, Map.of()));
                    }
                }
                if (files) {
                    Map<String, Path> savedTargets = new LinkedHashMap<>();
                    for (var e : fileTargets.entrySet()) {
                        boolean existed = saved.files().map(f -> f.roots().stream().anyMatch(r -> r.name().equals(e.getKey())))
                                .orElse(false);
                        if (existed) {
                            savedTargets.put(e.getKey(), e.getValue());
                        } else {
                            FilesRestorer.deleteTree(e.getValue()); // it did not exist before the restore
                        }
                    }
                    if (!savedTargets.isEmpty()) {
                        Manifest.FilesPart f = saved.files().get();
                        FilesRestorer back = new FilesRestorer(savedTargets, io.backupkit.api.FileRestoreMode.REPLACE, true,
                                n -> { }, () -> { });
                        try (InputStream archive = openOf(saved, f.archive()); InputStream index = openOf(saved, f.index());
                             InputStream counts = openOf(saved, f.index())) {
                            back.restore(archive, index, counts);
                        }
                    }
                }
            } catch (RuntimeException | IOException | Error rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
                LOG.error("Putting the target back from safety backup {} failed too", safety.get(), rollbackFailure);
                rollbackFailed = true;
                return new RestoreFailedException(what + "; putting the target back from safety backup " + safety.get()
                        + " failed too (" + rollbackFailure.getMessage() + "): restore " + safety.get() + " by hand",
                        RestoreFailedException.TargetState.ROLLBACK_FAILED, safety, failure);
            }
            scope.status = BackupStatus.ROLLED_BACK;
            return new RestoreFailedException(what + "; the target was put back as it was from safety backup " + safety.get(),
                    RestoreFailedException.TargetState.ROLLED_BACK, safety, failure);
        }

        /**
         * Files are staged next to each target before they replace it, so each file system needs room for the files
         * of the roots restored onto it. Checked before anything is written; where the space cannot be read, skipped.
         */
        private void checkFreeSpace(Manifest.FilesPart files, Map<String, Path> targets) {
            Map<java.nio.file.FileStore, Long> needed = new LinkedHashMap<>();
            for (Manifest.FileRoot root : files.roots()) {
                Path target = targets.get(root.name());
                if (target == null) {
                    continue;
                }
                Path existing = target;
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                try {
                    if (existing != null) {
                        needed.merge(Files.getFileStore(existing), root.bytes(), Long::sum);
                    }
                } catch (IOException e) {
                    LOG.debug("Cannot read the free space for {}: {}", target, e.toString());
                }
            }
            for (var e : needed.entrySet()) {
                try {
                    long usable = e.getKey().getUsableSpace();
                    if (usable < e.getValue()) {
                        throw new RestoreException("not enough free space to restore the files of backup " + manifest.id()
                                + ": they need " + e.getValue() + " bytes on " + e.getKey() + ", which has " + usable
                                + " bytes free; free some space or restore into another directory; nothing was changed");
                    }
                } catch (IOException ex) {
                    LOG.debug("Cannot read the free space of {}: {}", e.getKey(), ex.toString());
                }
            }
        }

        private InputStream openOf(Manifest m, String path) {
            return VerifiedObjectStream.open(storage, m.id(), m.object(path).orElseThrow(() ->
                    new IntegrityException("backup " + m.id() + " refers to object " + path + " that it does not list")));
        }

        private InputStream openFilesIndex() {
            return open(manifest.files().get().index());
        }

        private InputStream open(String path) {
            return VerifiedObjectStream.open(storage, manifest.id(), manifest.object(path).orElseThrow(() ->
                    new IntegrityException("backup " + manifest.id() + " refers to object " + path + " that it does not list")));
        }

        private DatabaseDumper dumperFor(Manifest.DatabasePart db) {
            return dumperNamed(db.dumper());
        }

        private RestoreContext restoreContext(Manifest source, DataSource target, io.backupkit.api.RestoreMode mode,
                                              TableSelection tables, Map<String, String> mapping) {
            abstract class Context extends ReportingContext implements RestoreContext {
                Context() {
                    super(scope);
                }
            }
            return new Context() {
                @Override
                public DataSource dataSource() {
                    return target;
                }

                @Override
                public Manifest.DatabasePart database() {
                    return source.database().orElseThrow();
                }

                @Override
                public io.backupkit.api.RestoreMode mode() {
                    return mode;
                }

                @Override
                public io.backupkit.api.MergeConflictPolicy mergeConflicts() {
                    return request.mergeConflicts();
                }

                @Override
                public TableSelection tables() {
                    return tables;
                }

                @Override
                public Map<String, String> schemaMapping() {
                    return mapping;
                }

                @Override
                public int parallelism() {
                    return config.parallelism();
                }

                @Override
                public InputStream openObject(String path) {
                    return openOf(source, path);
                }

                @Override
                public long objectSize(String path) {
                    return source.object(path).map(Manifest.StoredObject::size).orElse(-1L);
                }

                @Override
                public void recordRecoveryData(String key, String value) {
                    intentDumperData(key, value);
                }
            };
        }

        /** Original directories by default; a target directory (with one sub-directory per root if several). */
        private Map<String, Path> fileTargets(Manifest.FilesPart files) {
            Map<String, Path> out = new LinkedHashMap<>();
            for (String name : request.filesTargets().keySet()) {
                if (files.roots().stream().noneMatch(r -> r.name().equals(name))) {
                    throw new ConfigurationException("filesTarget names root '" + name + "' but backup " + manifest.id()
                            + " has the roots " + files.roots().stream().map(Manifest.FileRoot::name).toList());
                }
            }
            for (Manifest.FileRoot r : files.roots()) {
                Path p = request.filesTargets().get(r.name());
                if (p == null && request.filesTarget().isPresent()) {
                    p = files.roots().size() == 1 ? request.filesTarget().get() : request.filesTarget().get().resolve(r.name());
                }
                if (p == null) {
                    if (r.originalPath().isEmpty()) {
                        throw new ConfigurationException("backup " + manifest.id() + " does not record where root '" + r.name()
                                + "' came from: set filesTarget on the request");
                    }
                    p = Path.of(r.originalPath());
                }
                out.put(r.name(), p.toAbsolutePath().normalize());
            }
            return out;
        }

        private Optional<BackupId> safetyBackup(DataSource target, List<RestoreResult.TableChange> tablePreview,
                                                Map<String, Path> fileTargets) {
            List<String> existingTables = tablePreview.stream().filter(t -> t.rowsBefore() >= 0)
                    .map(RestoreResult.TableChange::table).toList();
            FileSet.Builder fsb = FileSet.builder();
            boolean anyDir = false;
            for (var e : fileTargets.entrySet()) {
                if (Files.isDirectory(e.getValue())) {
                    fsb.root(e.getKey(), e.getValue());
                    anyDir = true;
                }
            }
            boolean db = target != null && !existingTables.isEmpty();
            if (!db && !anyDir) {
                return Optional.empty();
            }
            Prepared p = new Prepared(newId(BackupType.SAFETY), BackupType.SAFETY,
                    // the source's id stays out of the name, so that 'list --name full' does not match safety backups
                    "before restore",
                    "taken automatically before restoring " + manifest.id() + " (actor: " + scope.actor + ")",
                    Set.of("safety"), db ? Optional.of(target) : Optional.empty(),
                    new TableSelection(existingTables, List.of()), anyDir ? Optional.of(fsb.build()) : Optional.empty(),
                    // what the safety backup lacks is in its manifest; refusing it would make every restore impossible
                    config.compression(), true, "safety backup of " + manifest.id());
            intentSafetyBackup(p.id);
            BackupResult r = DefaultBackupEngine.this.run(scope(Operation.BACKUP, scope.actor, Optional.of(p.id), scope),
                    sc -> takeBackup(sc, p));
            LOG.info("Safety backup {} taken before restoring {}", r.id(), manifest.id());
            return Optional.of(r.id());
        }
    }

    private DatabaseDumper dumperNamed(String name) {
        return config.dumper().filter(d -> d.name().equals(name))
                .or(() -> config.restoreDumpers().stream().filter(d -> d.name().equals(name)).findFirst())
                .orElseGet(() -> Providers.dumperNamed(name, config.classLoader()));
    }

    // ---------------------------------------------------------------- recovery (RestoreRecovery does the work)

    @Override
    public List<io.backupkit.api.UnfinishedRestore> unfinishedRestores() {
        ensureOpen();
        return recovery().unfinished(config.lock().enabled()).stream()
                .map(u -> shared.runningRestores.contains(u.operationId()) && !u.running()
                        ? new io.backupkit.api.UnfinishedRestore(u.operationId(), u.backupId(), u.startedAt(), u.host(),
                        u.phase(), u.safetyBackup(), u.targets(), true) : u)
                .toList();
    }

    @Override
    public RecoveryReport recover() {
        return run(scope(Operation.RECOVER, actorOr("unknown"), Optional.empty(), null), sc -> {
            RecoveryReport report = recovery().recoverAll(sc.id, config.lock().enabled(), databaseWayBack(Optional.empty(), sc));
            report.recovered().forEach(DefaultBackupEngine::logRecovered);
            sc.options.put("recovered", Integer.toString(report.recovered().size()));
            report.recovered().forEach(r -> sc.options.put(r.restore().operationId(), r.outcome().name()));
            return report;
        });
    }

    private RestoreRecovery recovery() {
        return new RestoreRecovery(storage, shared.history, config.clock(), shared.runningRestores::contains);
    }

    private static void logRecovered(RecoveryReport.Recovered r) {
        LOG.warn("Unfinished restore {} of {}: {} ({})", r.restore().operationId(), r.restore().backupId(), r.outcome(),
                r.message());
    }

    /** The database side of recovery: the dumpers and data sources only the engine knows. */
    private RestoreRecovery.DatabaseWayBack databaseWayBack(Optional<DataSource> requestTarget, OperationScope parent) {
        return new RestoreRecovery.DatabaseWayBack() {
            @Override
            public void restoreSafetyBackup(RestoreIntent intent, RestoreIntent.DatabaseIntent db, BackupId safety) {
                DataSource ds = dataSourceFor(intent, db);
                dropCreatedTables(intent, db);
                RestoreRequest back = RestoreRequest.builder(safety).databaseOnly().mode(io.backupkit.api.RestoreMode.REPLACE)
                        .safetyBackup(false).targetDataSource(ds).actor("recovery").build();
                DefaultBackupEngine.this.run(scope(Operation.RESTORE, "recovery", Optional.of(safety), parent),
                        sc -> new RestoreRun(back, sc).run());
            }

            @Override
            public void dropCreatedTables(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                if (!db.createdTables().isEmpty()) {
                    dumperNamed(db.dumper()).dropTables(dataSourceFor(intent, db), db.createdTables());
                }
            }

            @Override
            public void cleanUpAfterKill(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                dumperNamed(db.dumper()).recoverAfterKill(dataSourceFor(intent, db), db.dumperData());
            }

            @Override
            public Optional<Boolean> committedBeforeKill(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                return dumperNamed(db.dumper()).committedBeforeKill(dataSourceFor(intent, db), db.dumperData());
            }

            private DataSource dataSourceFor(RestoreIntent intent, RestoreIntent.DatabaseIntent db) {
                if (db.engineDataSource() && config.dataSource().isPresent()) {
                    return config.dataSource().get();
                }
                if (requestTarget.isPresent() && JdbcUrls.of(requestTarget.get()).equals(db.url())) {
                    return requestTarget.get();
                }
                throw new ConfigurationException("restore " + intent.operationId() + " was changing the database " + db.url()
                        + (db.engineDataSource() ? ", this engine's database, but this engine has no dataSource configured"
                        : ", not this engine's own") + ": recover it by restoring with targetDataSource set to that database "
                        + "(the restore recovers it first)");
            }
        };
    }

    // ---------------------------------------------------------------- retention

    @Override
    public io.backupkit.api.RetentionPlan planRetention(io.backupkit.api.RetentionRules rules) {
        ensureOpen();
        Set<BackupId> pinned = new java.util.HashSet<>();
        // A DAMAGED backup is never planned for deletion: a person decides about it (delete removes it).
        List<BackupInfo> backups = list().stream().filter(b -> b.status() == BackupStatus.COMPLETED).toList();
        backups.stream().filter(BackupInfo::pinned).forEach(b -> pinned.add(b.id()));
        return RetentionPlanner.plan(backups, rules, pinned, config.clock().instant(), config.clock().getZone());
    }

    @Override
    public CleanupResult applyRetention(io.backupkit.api.RetentionPlan plan) {
        return run(scope(Operation.CLEANUP, actorOr("unknown"), Optional.empty(), null), sc -> {
            sc.options.put("kind", "retention");
            sc.options.put("planned deletions", Integer.toString(plan.delete().size()));
            Set<String> pinnedNow = pinnedIds();
            List<String> removed = new ArrayList<>();
            long objects = 0;
            long bytes = 0;
            for (io.backupkit.api.RetentionPlan.Decision d : plan.delete()) {
                sc.checkCancelled();
                BackupId id = d.backup().id();
                if (pinnedNow.contains(id.value())) {
                    LOG.info("Retention: keeping {}, pinned since the plan was made", id);
                    continue;
                }
                if (storage.stat(Layout.manifestKey(id)).isEmpty()) {
                    continue; // already gone
                }
                long[] n = deleteBackupObjects(id);
                objects += n[0];
                bytes += n[1];
                removed.add(id.value());
                LOG.info("Retention: deleted {} ({})", id, String.join("; ", d.reasons()));
            }
            sc.options.put("deleted", String.join(",", removed));
            return new CleanupResult(removed, objects, bytes);
        });
    }

    /** For {@code BackupScheduler}: where this engine keeps its backups, and its clock. */
    public StorageProvider storage() {
        return storage;
    }

    public java.time.Clock clock() {
        return config.clock();
    }

    // ---------------------------------------------------------------- history, stats, health

    @Override
    public List<OperationRecord> history(HistoryQuery query) {
        ensureOpen();
        return shared.history.query(query);
    }

    @Override
    public void exportHistoryCsv(HistoryQuery query, java.io.Writer out) {
        try {
            HistoryCsv.write(history(query), out);
        } catch (IOException e) {
            throw new StorageException("could not write the history CSV: " + e.getMessage(), false, e);
        }
    }

    @Override
    public BackupStats stats() {
        return CatalogReports.stats(list(), shared.history.query(HistoryQuery.all().withOperation(Operation.BACKUP)));
    }

    @Override
    public HealthReport health() {
        List<BackupInfo> backups;
        List<OperationRecord> runs;
        try {
            backups = list();
            runs = shared.history.query(HistoryQuery.all().withOperation(Operation.BACKUP));
        } catch (RuntimeException e) {
            return new HealthReport(config.clock().instant(), List.of(new HealthReport.Problem(
                    HealthReport.Kind.STORAGE_UNREACHABLE, "the storage " + storage.description() + " cannot be read: "
                    + e.getMessage())));
        }
        HealthReport report = CatalogReports.health(backups, runs, config.healthPolicy(), config.clock().instant(),
                storage.description());
        List<HealthReport.Problem> problems = new ArrayList<>(report.problems());
        for (io.backupkit.api.UnfinishedRestore u : unfinishedRestores()) {
            if (!u.running()) {
                problems.add(new HealthReport.Problem(HealthReport.Kind.UNFINISHED_RESTORE, "restore " + u.operationId()
                        + " of " + u.backupId() + " (started " + u.startedAt() + " on " + u.host() + ") stopped in phase "
                        + u.phase() + " before it finished; its targets " + u.targets() + " may be incomplete: run "
                        + "'backupkit recover' (BackupEngine.recover()) or the next restore to finish or undo it"));
            }
        }
        return new HealthReport(report.checkedAt(), problems);
    }

    // ---------------------------------------------------------------- helpers

    private DataSource requireDataSource() {
        return config.dataSource().orElseThrow(() -> new ConfigurationException(
                "a database backup needs a database: configure dataSource(...) on the engine builder"));
    }

    private BackupId newId(BackupType type) {
        ensureOpen();
        while (true) {
            byte[] rnd = new byte[2];
            ThreadLocalRandom.current().nextBytes(rnd);
            BackupId id = BackupId.of(IdTime.format(config.clock().instant()) + "-" + type.label() + "-"
                    + HexFormat.of().formatHex(rnd));
            if (!shared.running.contains(id) && storage.stat(Layout.manifestKey(id)).isEmpty()) {
                return id;
            }
        }
    }

    private void ensureOpen() {
        if (shared.closed) {
            throw new io.backupkit.api.CancelledException("the backup engine was closed");
        }
    }

    private enum Kind { DUMP, RESTORE, STORAGE }

    /** Every failure leaves as a BackupException that says what failed; the original stays the cause. */
    private static BackupException translate(Throwable e, String what, Kind kind) {
        if (e instanceof BackupException be) {
            return be;
        }
        // A storage failure reaches the engine wrapped in the IOException of the stream that was being written.
        Throwable cause = e;
        while ((cause instanceof UncheckedIOException || cause instanceof IOException) && cause.getCause() != null) {
            if (cause.getCause() instanceof StorageException se) {
                return new StorageException(what + ": " + se.getMessage(), se.retryable(), e);
            }
            if (cause.getCause() instanceof BackupException be) {
                return be;
            }
            cause = cause.getCause();
        }
        String message = what + ": " + (e.getMessage() != null ? e.getMessage() : e.toString());
        return switch (kind) {
            case DUMP -> new DumpException(message, e);
            case RESTORE -> new RestoreException(message, e);
            case STORAGE -> new StorageException(message, false, e);
        };
    }

    @Override
    public void close() {
        if (!shared.closed) {
            shared.closed = true;
            shared.uploads.shutdown();
            shared.jobs.shutdown();
            if (config.ownsStorage()) {
                storage.close();
            }
        }
    }

    @Override
    public String toString() {
        return "BackupEngine[" + storage.description() + "]";
    }
}
