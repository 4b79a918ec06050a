package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupPart;
import io.backupkit.api.BackupType;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A backup as one portable archive and back ({@link ArchiveTransfer} does the streaming and the checks). */
record ExportImport(EngineContext context, Catalogue catalogue) {
    private static final Logger LOG = LoggerFactory.getLogger(ExportImport.class);

    /** The whole backup, with its manifest exactly as stored. */
    void exportBackup(OperationScope scope, BackupId id, OutputStream out) throws IOException {
        byte[] manifestBytes;
        try {
            manifestBytes = catalogue.readSmall(Layout.manifestKey(id));
        } catch (BlobNotFoundException e) {
            throw new BackupNotFoundException("no backup " + id + " in " + context.storage.description() + " to export", e);
        }
        Manifest m = ManifestCodec.read(manifestBytes, Layout.manifestKey(id));
        scope.tracker.totalBytes(m.storedBytes());
        new ArchiveTransfer(context.storage).export(m, manifestBytes, out, scope.tracker::bytes);
    }

    /** One part of a backup, as a backup of its own (same id) whose manifest lists only that part. */
    void exportPart(OperationScope scope, BackupId id, BackupPart part, OutputStream out) throws IOException {
        Manifest whole = catalogue.find(id).orElseThrow(() -> new BackupNotFoundException("no backup " + id + " in "
                + context.storage.description() + " to export"));
        Manifest m = partManifest(whole, part);
        scope.tracker.totalBytes(m.storedBytes());
        new ArchiveTransfer(context.storage).export(m, ManifestCodec.write(m), out, scope.tracker::bytes);
    }

    /** The manifest of a backup reduced to one part: its objects, its section, the matching type. */
    private static Manifest partManifest(Manifest m, BackupPart part) {
        Set<String> fileObjects = m.files().map(f -> Set.of(f.archive(), f.index())).orElse(Set.of());
        boolean files = part == BackupPart.FILES;
        if (files ? m.files().isEmpty() : m.database().isEmpty()) {
            throw new BackupNotFoundException("backup " + m.id() + " (" + m.type() + ") has no "
                    + part.name().toLowerCase(Locale.ROOT) + " part to export");
        }
        List<Manifest.StoredObject> objects = m.objects().stream()
                .filter(o -> fileObjects.contains(o.path()) == files).toList();
        return new Manifest(m.format(), m.id(), files ? BackupType.FILES : BackupType.DATABASE, m.name(), m.notes(),
                m.tags(), m.createdAt(), m.finishedAt(), m.source(), objects,
                files ? Optional.empty() : m.database(), files ? m.files() : Optional.empty(), m.warnings());
    }

    /** Reads an archive into the storage; the import checks every object, so the copy starts out verified. */
    Manifest importBackup(OperationScope scope, InputStream in) throws IOException {
        Manifest m = new ArchiveTransfer(context.storage).importArchive(in, context.config.maxImportBytes(),
                scope.tracker::bytes);
        scope.backupId = Optional.of(m.id());
        context.statuses.update(m, s -> s.checked(context.statuses.now(), "import by " + scope.actor, List.of()));
        LOG.info("Imported backup {} ({} objects, {} bytes)", m.id(), m.objects().size(), m.storedBytes());
        return m;
    }
}
