package io.backupkit.core.internal;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
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
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String VERSION = Optional.ofNullable(DefaultBackupEngine.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private final EngineConfig config;
    private final StorageProvider storage;
    private final Events events;
    private final ExecutorService uploads;
    private final Set<BackupId> running = ConcurrentHashMap.newKeySet();
    private final String hostname = hostname();
    private volatile boolean closed;

    public DefaultBackupEngine(EngineConfig config) {
        this.config = config;
        this.storage = config.storage();
        this.events = new Events(config.listeners(), config.clock());
        AtomicInteger n = new AtomicInteger();
        this.uploads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "backupkit-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ---------------------------------------------------------------- backup

    @Override
    public BackupResult backup(BackupRequest request) {
        ensureOpen();
        BackupType type = request.type();
        Optional<DataSource> ds = type.includesDatabase() ? Optional.of(requireDataSource()) : Optional.empty();
        Optional<FileSet> files = type.includesFiles() ? Optional.of(request.files().or(config::fileSet).orElseThrow(() ->
                new ConfigurationException("a " + type + " backup needs media files: configure them with files(...) on the "
                        + "engine builder or on the BackupRequest"))) : Optional.empty();
        files.ifPresent(FilesArchiver::checkRoots);
        TableSelection tables = request.tables().orElse(config.tables());
        Compression compression = request.compression().orElse(config.compression());
        return takeBackup(type, request.name(), request.notes(), request.tags(), ds, tables, files, compression);
    }

    private BackupResult takeBackup(BackupType type, String name, String notes, Set<String> tags, Optional<DataSource> ds,
                                    TableSelection tables, Optional<FileSet> files, Compression compression) {
        BackupId id = newId(type);
        running.add(id);
        Events.Tracker tracker = events.start(Operation.BACKUP, Optional.of(id));
        BackupWriter writer = new BackupWriter(storage, id, uploads, tracker::bytes);
        List<String> warnings = new ArrayList<>();
        try {
            Optional<Manifest.DatabasePart> db = Optional.empty();
            if (ds.isPresent()) {
                DatabaseDumper dumper = config.dumper().orElseGet(() -> Providers.dumperFor(ds.get(), config.classLoader()));
                DumpSummary summary = dump(dumper, ds.get(), tables, compression, writer, tracker);
                warnings.addAll(summary.warnings());
                db = Optional.of(new Manifest.DatabasePart(dumper.name(), summary.product(), summary.url(), summary.tables(),
                        summary.metadata()));
            }
            Optional<Manifest.FilesPart> filesPart = Optional.empty();
            if (files.isPresent()) {
                filesPart = Optional.of(archiveFiles(files.get(), compression, writer, tracker, warnings));
            }
            Manifest manifest = new Manifest(Manifest.CURRENT_FORMAT, id, type, name, notes, tags, tracker.startedAt(),
                    config.clock().instant(), new Manifest.SourceInfo(hostname, VERSION), writer.objects(), db, filesPart,
                    warnings);
            writer.putSmall(Layout.MANIFEST, ManifestCodec.write(manifest));
            tracker.finished();
            LOG.info("Backup {} ({}) complete: {} objects, {} bytes stored, {} warnings", id, type,
                    manifest.objects().size(), manifest.storedBytes(), warnings.size());
            warnings.forEach(w -> LOG.warn("Backup {}: {}", id, w));
            return new BackupResult(manifest, tracker.elapsed(), warnings);
        } catch (RuntimeException | IOException | Error e) {
            BackupException failure = translate(e, "backup " + id + " failed", Kind.DUMP);
            for (Exception cleanup : writer.abortAndDeleteAll(failure)) {
                failure.addSuppressed(cleanup);
            }
            tracker.failed(failure);
            throw failure;
        } finally {
            running.remove(id);
        }
    }

    private DumpSummary dump(DatabaseDumper dumper, DataSource ds, TableSelection tables, Compression compression,
                             BackupWriter writer, Events.Tracker tracker) {
        DumpContext context = new DumpContext() {
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

            @Override
            public void addRows(long rows) {
                tracker.rows(rows);
            }

            @Override
            public void tableDone(String qualifiedName) {
                tracker.tableDone();
            }

            @Override
            public void checkCancelled() {
                ensureOpen();
            }
        };
        return dumper.dump(context);
    }

    private Manifest.FilesPart archiveFiles(FileSet fileSet, Compression compression, BackupWriter writer,
                                            Events.Tracker tracker, List<String> warnings) throws IOException {
        String archivePath = "files/" + compression.appendExtension("files.tar");
        String indexPath = "files/" + compression.appendExtension("index.jsonl");
        FilesArchiver archiver = new FilesArchiver(fileSet, tracker::files, this::ensureOpen);
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
        List<BackupInfo> out = new ArrayList<>();
        for (String key : manifestKeys()) {
            readManifest(key).map(BackupInfo::of).filter(query::matches).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(BackupInfo::createdAt).thenComparing(BackupInfo::id).reversed());
        return query.limit() > 0 && out.size() > query.limit() ? List.copyOf(out.subList(0, query.limit())) : out;
    }

    private List<String> manifestKeys() {
        try (Stream<BlobInfo> all = storage.list(Layout.BACKUPS)) {
            return all.map(BlobInfo::key).filter(Layout::isManifest).toList();
        }
    }

    /** A manifest that cannot be read is logged and left out of listings; verify() and restore() report it. */
    private Optional<Manifest> readManifest(String key) {
        try {
            return Optional.of(loadManifest(key));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        } catch (IntegrityException | io.backupkit.api.UnsupportedBackupException e) {
            LOG.warn("Skipping {} in the listing: {}", key, e.getMessage());
            return Optional.empty();
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
        ensureOpen();
        Events.Tracker tracker = events.start(Operation.VERIFY, Optional.of(id));
        try {
            Manifest m = require(id);
            tracker.totalBytes(m.storedBytes());
            List<VerifyReport.ObjectCheck> checks = new ArrayList<>();
            for (Manifest.StoredObject o : m.objects()) {
                checks.add(VerifiedObjectStream.check(storage, id, o));
                tracker.bytes(o.storedSize());
            }
            VerifyReport report = new VerifyReport(id, checks, tracker.elapsed());
            report.problems().forEach(p -> LOG.warn("Backup {}: {} {}", id, p.status(), p.detail()));
            tracker.finished();
            return report;
        } catch (RuntimeException e) {
            BackupException failure = translate(e, "verify of " + id + " failed", Kind.STORAGE);
            tracker.failed(failure);
            throw failure;
        }
    }

    @Override
    public void delete(BackupId id) {
        ensureOpen();
        Events.Tracker tracker = events.start(Operation.DELETE, Optional.of(id));
        try {
            if (storage.stat(Layout.manifestKey(id)).isEmpty()) {
                throw new BackupNotFoundException("no backup " + id + " in " + storage.description() + " to delete");
            }
            // The manifest first: from then on the backup is gone from the catalogue, even if deleting the rest fails.
            storage.delete(Layout.manifestKey(id));
            deleteFolder(Layout.folder(id));
            tracker.finished();
            LOG.info("Deleted backup {}", id);
        } catch (RuntimeException e) {
            BackupException failure = translate(e, "delete of " + id + " failed", Kind.STORAGE);
            tracker.failed(failure);
            throw failure;
        }
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
        ensureOpen();
        Events.Tracker tracker = events.start(Operation.CLEANUP, Optional.empty());
        try {
            Map<String, Boolean> hasManifest = new TreeMap<>();
            try (Stream<BlobInfo> all = storage.list(Layout.BACKUPS)) {
                all.forEach(b -> Layout.idOf(b.key()).ifPresent(id ->
                        hasManifest.merge(id, Layout.isManifest(b.key()), Boolean::logicalOr)));
            }
            List<String> removed = new ArrayList<>();
            long objects = 0;
            long bytes = 0;
            for (var e : hasManifest.entrySet()) {
                if (e.getValue() || isRunning(e.getKey())) {
                    continue;
                }
                long[] d = deleteFolder(Layout.BACKUPS + e.getKey() + "/");
                objects += d[0];
                bytes += d[1];
                removed.add(e.getKey());
                LOG.info("Removed interrupted backup {} ({} objects, {} bytes)", e.getKey(), d[0], d[1]);
            }
            tracker.finished();
            return new CleanupResult(removed, objects, bytes);
        } catch (RuntimeException e) {
            BackupException failure = translate(e, "clean-up failed", Kind.STORAGE);
            tracker.failed(failure);
            throw failure;
        }
    }

    private boolean isRunning(String id) {
        return running.stream().anyMatch(r -> r.value().equals(id));
    }

    // ---------------------------------------------------------------- export / import

    @Override
    public void exportBackup(BackupId id, OutputStream out) {
        ensureOpen();
        Events.Tracker tracker = events.start(Operation.EXPORT, Optional.of(id));
        try {
            byte[] manifestBytes;
            try {
                manifestBytes = readSmall(Layout.manifestKey(id));
            } catch (BlobNotFoundException e) {
                throw new BackupNotFoundException("no backup " + id + " in " + storage.description() + " to export", e);
            }
            Manifest m = ManifestCodec.read(manifestBytes, Layout.manifestKey(id));
            tracker.totalBytes(m.storedBytes());
            new ArchiveTransfer(storage).export(m, manifestBytes, out, tracker::bytes);
            tracker.finished();
        } catch (RuntimeException | IOException e) {
            BackupException failure = translate(e, "export of " + id + " failed", Kind.STORAGE);
            tracker.failed(failure);
            throw failure;
        }
    }

    @Override
    public Manifest importBackup(InputStream in) {
        ensureOpen();
        Events.Tracker tracker = events.start(Operation.IMPORT, Optional.empty());
        try {
            Manifest m = new ArchiveTransfer(storage).importArchive(in, config.maxImportBytes(), tracker::bytes);
            tracker.finished();
            LOG.info("Imported backup {} ({} objects, {} bytes)", m.id(), m.objects().size(), m.storedBytes());
            return m;
        } catch (RuntimeException e) {
            BackupException failure = translate(e, "import failed", Kind.STORAGE);
            tracker.failed(failure);
            throw failure;
        }
    }

    // ---------------------------------------------------------------- restore

    @Override
    public RestoreResult restore(RestoreRequest request) {
        ensureOpen();
        BackupId id = request.backupId();
        Events.Tracker tracker = events.start(Operation.RESTORE, Optional.of(id));
        try {
            RestoreResult result = new RestoreRun(request, tracker).run();
            tracker.finished();
            return result;
        } catch (RuntimeException | IOException | Error e) {
            BackupException failure = translate(e, "restore of " + id + " failed", Kind.RESTORE);
            tracker.failed(failure);
            throw failure;
        }
    }

    /** One restore: validate everything, then (unless a dry run) safety backup, database, files. */
    private final class RestoreRun {
        private final RestoreRequest request;
        private final Events.Tracker tracker;
        private final Manifest manifest;

        RestoreRun(RestoreRequest request, Events.Tracker tracker) {
            this.request = request;
            this.tracker = tracker;
            this.manifest = require(request.backupId());
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
            DataSource target = doDb ? request.targetDataSource().or(config::dataSource).orElseThrow(() ->
                    new ConfigurationException("backup " + manifest.id() + " has a database part but no database to restore "
                            + "it into: configure dataSource(...) on the builder, or set targetDataSource on the request, or "
                            + "restore the files only")) : null;
            DatabaseDumper dumper = doDb ? dumperFor(manifest.database().get()) : null;
            Map<String, Path> fileTargets = doFiles ? fileTargets(manifest.files().get()) : Map.of();

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
                VerifyReport.ObjectCheck check = VerifiedObjectStream.check(storage, manifest.id(), o);
                if (check.status() != VerifyReport.CheckStatus.OK) {
                    throw new IntegrityException("backup " + manifest.id() + " cannot be restored: " + check.detail()
                            + "; nothing was changed");
                }
            }
            FilesRestorer filesRestorer = doFiles ? new FilesRestorer(fileTargets, request.filesMode(),
                    request.overwriteExisting(), tracker::files, DefaultBackupEngine.this::ensureOpen) : null;
            List<RestoreResult.TableChange> tablePreview = doDb ? dumper.preview(restoreContext(target)) : List.of();
            List<RestoreResult.FilesChange> filesPreview = List.of();
            if (doFiles) {
                try (InputStream index = openFilesIndex()) {
                    filesPreview = filesRestorer.preview(index);
                }
            }
            if (request.validateOnly()) {
                return new RestoreResult(manifest.id(), true, Optional.empty(), tablePreview, filesPreview, tracker.elapsed());
            }

            // 2. Safety backup of exactly what will be overwritten.
            Optional<BackupId> safety = request.safetyBackup()
                    ? safetyBackup(target, tablePreview, fileTargets) : Optional.empty();

            // 3. Restore.
            List<RestoreResult.TableChange> tables = List.of();
            List<RestoreResult.FilesChange> files = List.of();
            try {
                if (doDb) {
                    tables = dumper.restore(restoreContext(target));
                }
                if (doFiles) {
                    Manifest.FilesPart f = manifest.files().get();
                    try (InputStream archive = open(f.archive()); InputStream index = open(f.index());
                         InputStream indexForCounts = open(f.index())) {
                        files = filesRestorer.restore(archive, index, indexForCounts);
                    }
                }
            } catch (RuntimeException | IOException e) {
                if (safety.isPresent()) {
                    BackupException failure = translate(e, "restore of " + manifest.id() + " failed", Kind.RESTORE);
                    throw new RestoreException(failure.getMessage() + "; the state before the restore is saved in safety backup "
                            + safety.get(), failure);
                }
                throw e;
            }
            LOG.info("Restored backup {}: {} tables, {} file roots", manifest.id(), tables.size(), files.size());
            return new RestoreResult(manifest.id(), false, safety, tables, files, tracker.elapsed());
        }

        private InputStream openFilesIndex() {
            return open(manifest.files().get().index());
        }

        private InputStream open(String path) {
            return VerifiedObjectStream.open(storage, manifest.id(), manifest.object(path).orElseThrow(() ->
                    new IntegrityException("backup " + manifest.id() + " refers to object " + path + " that it does not list")));
        }

        private DatabaseDumper dumperFor(Manifest.DatabasePart db) {
            return config.dumper().filter(d -> d.name().equals(db.dumper()))
                    .orElseGet(() -> Providers.dumperNamed(db.dumper(), config.classLoader()));
        }

        private RestoreContext restoreContext(DataSource target) {
            return new RestoreContext() {
                @Override
                public DataSource dataSource() {
                    return target;
                }

                @Override
                public Manifest.DatabasePart database() {
                    return manifest.database().orElseThrow();
                }

                @Override
                public io.backupkit.api.RestoreMode mode() {
                    return request.mode();
                }

                @Override
                public TableSelection tables() {
                    return request.tables();
                }

                @Override
                public Map<String, String> schemaMapping() {
                    return request.schemaMapping();
                }

                @Override
                public int parallelism() {
                    return config.parallelism();
                }

                @Override
                public InputStream openObject(String path) {
                    return open(path);
                }

                @Override
                public void addRows(long rows) {
                    tracker.rows(rows);
                }

                @Override
                public void tableDone(String qualifiedName) {
                    tracker.tableDone();
                }

                @Override
                public void checkCancelled() {
                    ensureOpen();
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
            BackupResult r = takeBackup(BackupType.SAFETY, "before restore of " + manifest.id(),
                    "taken automatically before restoring " + manifest.id() + " (actor: " + request.actor() + ")",
                    Set.of("safety"), db ? Optional.of(target) : Optional.empty(),
                    new TableSelection(existingTables, List.of()), anyDir ? Optional.of(fsb.build()) : Optional.empty(),
                    config.compression());
            LOG.info("Safety backup {} taken before restoring {}", r.id(), manifest.id());
            return Optional.of(r.id());
        }
    }

    // ---------------------------------------------------------------- helpers

    private DataSource requireDataSource() {
        return config.dataSource().orElseThrow(() -> new ConfigurationException(
                "a database backup needs a database: configure dataSource(...) on the engine builder"));
    }

    private BackupId newId(BackupType type) {
        while (true) {
            byte[] rnd = new byte[2];
            ThreadLocalRandom.current().nextBytes(rnd);
            BackupId id = BackupId.of(ID_TIME.format(config.clock().instant()) + "-" + type.label() + "-"
                    + HexFormat.of().formatHex(rnd));
            if (!running.contains(id) && storage.stat(Layout.manifestKey(id)).isEmpty()) {
                return id;
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
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

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            uploads.shutdown();
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
