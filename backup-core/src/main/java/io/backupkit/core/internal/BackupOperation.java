package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.Compression;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.DumpException;
import io.backupkit.api.FileSet;
import io.backupkit.api.Manifest;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a backup: the database through its dumper, the files through {@link FilesArchiver}, every object through one
 * {@link BackupWriter}; the status and manifest go last, so a backup without a manifest is an interrupted one.
 */
final class BackupOperation {
    private static final Logger LOG = LoggerFactory.getLogger(BackupOperation.class);
    private static final String VERSION = Optional.ofNullable(BackupOperation.class.getPackage().getImplementationVersion())
            .orElse("dev");

    /** A backup request resolved against the engine's configuration and checked before anything is written. */
    record Prepared(BackupId id, BackupType type, String name, String notes, Set<String> tags,
                    Optional<DataSource> dataSource, TableSelection tables, Optional<FileSet> files,
                    Compression compression, boolean allowIncomplete, String partial) {
    }

    private final EngineContext context;

    BackupOperation(EngineContext context) {
        this.context = context;
    }

    /** Checks a request and gives it its id; throws before the operation starts when it cannot be done. */
    Prepared prepare(BackupRequest request) {
        context.ensureOpen();
        BackupType type = request.type();
        Optional<DataSource> ds = type.includesDatabase() ? Optional.of(requireDataSource()) : Optional.empty();
        Optional<FileSet> files = type.includesFiles() ? Optional.of(request.files().or(context.config::fileSet)
                .orElseThrow(() -> new ConfigurationException("a " + type + " backup needs media files: configure them "
                        + "with files(...) on the engine builder or on the BackupRequest"))) : Optional.empty();
        files.ifPresent(FilesArchiver::checkRoots);
        // A table filter on the request makes a partial backup; the engine's configured selection is its normal scope.
        String partial = request.tables().filter(t -> !t.equals(TableSelection.ALL))
                .map(t -> "tables: " + describe(t)).orElse("");
        return new Prepared(newId(type), type, request.name(), request.notes(), request.tags(), ds,
                request.tables().orElse(context.config.tables()), files,
                request.compression().orElse(context.config.compression()), request.allowIncomplete(), partial);
    }

    /** Writes the backup; on failure every object written so far is deleted again. */
    BackupResult take(OperationScope scope, Prepared p) throws IOException {
        return take(scope, p, Optional.empty());
    }

    /**
     * Writes the backup, its database part with {@code dumpWith} instead of the engine's dumper where given (a safety
     * backup taken from tables a restore moved aside, {@link SafetyAfterSwap}).
     */
    BackupResult take(OperationScope scope, Prepared p, Optional<DatabaseDumper> dumpWith) throws IOException {
        BackupId id = p.id();
        scope.options.put("type", p.type().name());
        if (!p.name().isEmpty()) {
            scope.options.put("name", p.name());
        }
        p.dataSource().ifPresent(ds -> scope.options.put("tables", describe(p.tables())));
        p.files().ifPresent(f -> scope.target = f.roots().values().toString());
        scope.options.put("compression", p.compression().codec() + ":" + p.compression().level());
        context.running.add(id);
        Events.Tracker tracker = scope.tracker;
        BackupWriter writer = new BackupWriter(context.storage, id, context.uploads, tracker::bytes);
        List<String> warnings = new ArrayList<>();
        try {
            Optional<Manifest.DatabasePart> db = Optional.empty();
            if (p.dataSource().isPresent()) {
                DataSource ds = NoProgressWatchdog.track(scope, p.dataSource().get());
                DatabaseDumper dumper = dumpWith.or(context.config::dumper)
                        .orElseGet(() -> Providers.dumperFor(ds, context.config.classLoader()));
                NoProgressWatchdog.askServer(scope, dumper, ds);
                DumpSummary summary = dumper.dump(new BackupDumpContext(context, scope, ds, p.tables(), p.compression(),
                        writer));
                warnings.addAll(summary.warnings());
                refuseIncomplete(summary, p.allowIncomplete());
                db = Optional.of(new Manifest.DatabasePart(dumper.name(), summary.product(), summary.url(), summary.tables(),
                        summary.metadata(), summary.notCaptured(), summary.outsideBackup()));
                summary.notCaptured().forEach(o -> warnings.add("not captured (backup is INCOMPLETE): " + o));
                scope.target = summary.url() + (scope.target.isEmpty() ? "" : " + " + scope.target);
            }
            Optional<Manifest.FilesPart> filesPart = Optional.empty();
            if (p.files().isPresent()) {
                filesPart = Optional.of(archiveFiles(p.files().get(), p.compression(), writer, scope, warnings));
            }
            scope.checkCancelled();
            Manifest manifest = new Manifest(Manifest.CURRENT_FORMAT, id, p.type(), p.name(), p.notes(), p.tags(),
                    scope.startedAt, context.config.clock().instant(), new Manifest.SourceInfo(context.hostname, VERSION),
                    writer.objects(), db, filesPart, warnings);
            writer.putSmall(Layout.STATUS, BackupStatusStore.encode(manifest, p.partial(), context.config.clock()));
            writer.putSmall(Layout.MANIFEST, ManifestCodec.write(manifest));
            LOG.info("Backup {} ({}) complete: {} objects, {} bytes stored, {} warnings", id, p.type(),
                    manifest.objects().size(), manifest.storedBytes(), warnings.size());
            warnings.forEach(w -> LOG.warn("Backup {}: {}", id, w));
            return new BackupResult(manifest, tracker.elapsed(), warnings);
        } catch (RuntimeException | IOException | Error e) {
            for (Exception cleanup : writer.abortAndDeleteAll(e)) {
                e.addSuppressed(cleanup);
            }
            throw e;
        } finally {
            context.running.remove(id);
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

    /** A table selection as the history shows it: {@code all}, {@code a,b} or {@code all except c}. */
    static String describe(TableSelection t) {
        if (t.isAll()) {
            return "all";
        }
        return (t.includes().isEmpty() ? "all" : String.join(",", t.includes()))
                + (t.excludes().isEmpty() ? "" : " except " + String.join(",", t.excludes()));
    }

    private Manifest.FilesPart archiveFiles(FileSet fileSet, Compression compression, BackupWriter writer,
                                            OperationScope scope, List<String> warnings) throws IOException {
        String archivePath = "files/" + compression.appendExtension("files.tar");
        String indexPath = "files/" + compression.appendExtension("index.jsonl");
        FilesArchiver archiver = new FilesArchiver(fileSet, context.storage.localFolder(), scope.tracker::files, () -> {
            context.ensureOpen();
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

    private DataSource requireDataSource() {
        return context.config.dataSource().orElseThrow(() -> new ConfigurationException(
                "a database backup needs a database: configure dataSource(...) on the engine builder"));
    }

    /** A new backup id: its time, its type and a random suffix, unused in the storage and in this engine. */
    BackupId newId(BackupType type) {
        context.ensureOpen();
        while (true) {
            byte[] rnd = new byte[2];
            ThreadLocalRandom.current().nextBytes(rnd);
            BackupId id = BackupId.of(IdTime.format(context.config.clock().instant()) + "-" + type.label() + "-"
                    + HexFormat.of().formatHex(rnd));
            if (!context.running.contains(id) && context.storage.stat(Layout.manifestKey(id)).isEmpty()) {
                return id;
            }
        }
    }
}
