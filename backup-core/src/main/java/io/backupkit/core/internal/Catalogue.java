package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupState;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.StorageException;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backups in a storage: listing and finding them by their manifests, pinning, verifying, deleting, and the
 * interrupted backups (objects without a manifest) and their clean-up.
 */
final class Catalogue {
    private static final Logger LOG = LoggerFactory.getLogger(Catalogue.class);

    /** What deleting removed: objects, and the bytes of the backup's data objects. */
    record Deleted(long objects, long bytes) {
    }

    private final EngineContext context;
    private final StorageProvider storage;

    Catalogue(EngineContext context) {
        this.context = context;
        this.storage = context.storage;
    }

    List<BackupInfo> list(BackupQuery query) {
        context.ensureOpen();
        Set<String> pinned = pinnedIds();
        List<BackupInfo> out = new ArrayList<>();
        for (String key : manifestKeys()) {
            catalogueLine(key).filter(query::matches)
                    .map(i -> i.withPinned(pinned.contains(i.id().value()))).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(BackupInfo::createdAt).thenComparing(BackupInfo::id).reversed());
        return query.limit() > 0 && out.size() > query.limit() ? List.copyOf(out.subList(0, query.limit())) : out;
    }

    Optional<BackupInfo> info(BackupId id) {
        return find(id).map(m -> BackupInfo.of(m, context.statuses.read(m))
                .withPinned(storage.stat(Layout.pinKey(id)).isPresent()));
    }

    Set<String> pinnedIds() {
        try (Stream<BlobInfo> s = storage.list(Layout.PINS)) {
            return s.map(b -> b.key().substring(Layout.PINS.length())).collect(Collectors.toSet());
        }
    }

    void pin(OperationScope scope, BackupId id) throws IOException {
        require(id);
        byte[] record = Json.compact().writeValueAsBytes(Map.of("id", id.value(), "pinnedAt",
                context.config.clock().instant().toString(), "actor", scope.actor));
        storage.put(Layout.pinKey(id), ContentSource.of(record));
    }

    void unpin(BackupId id) {
        storage.delete(Layout.pinKey(id));
    }

    private List<String> manifestKeys() {
        try (Stream<BlobInfo> all = storage.list(Layout.BACKUPS)) {
            return all.map(BlobInfo::key).filter(Layout::isManifest).toList();
        }
    }

    /** A manifest that cannot be read is listed as DAMAGED, never hidden; verify() and restore() say why. */
    private Optional<BackupInfo> catalogueLine(String key) {
        try {
            Manifest m = ManifestCodec.read(readSmall(key), key);
            return Optional.of(BackupInfo.of(m, context.statuses.read(m)));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        } catch (IntegrityException | UnsupportedBackupException e) {
            LOG.warn("Backup {} is DAMAGED: its manifest cannot be read: {}", key, e.getMessage());
            return DamagedBackups.line(storage, key);
        }
    }

    /** A small object (a manifest) read whole, one byte past the manifest limit so that the codec can refuse it. */
    byte[] readSmall(String key) {
        try (InputStream in = storage.get(key)) {
            return in.readNBytes(ManifestCodec.MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw new StorageException("could not read " + key + ": " + e.getMessage(), true, e);
        }
    }

    Optional<Manifest> find(BackupId id) {
        context.ensureOpen();
        try {
            String key = Layout.manifestKey(id);
            return Optional.of(ManifestCodec.read(readSmall(key), key));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        }
    }

    Manifest require(BackupId id) {
        return find(id).orElseThrow(() -> new BackupNotFoundException("no backup " + id + " in " + storage.description()
                + "; list() shows the backups there"));
    }

    /** Reads every object of a backup; damage is recorded in its status and makes the operation FAILED. */
    VerifyReport verify(OperationScope scope, BackupId id) {
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
        BackupState state = context.statuses.update(m, s -> s.checked(context.statuses.now(), scope.actor, report.problems()));
        if (!report.ok()) {
            scope.failure = "backup " + id + " is " + state.integrity() + ": " + String.join("; ", state.problems());
        }
        return report;
    }

    void delete(OperationScope scope, BackupId id) {
        if (storage.stat(Layout.manifestKey(id)).isEmpty()) {
            throw new BackupNotFoundException("no backup " + id + " in " + storage.description() + " to delete");
        }
        Deleted d = deleteBackup(id);
        storage.delete(Layout.pinKey(id));
        scope.options.put("objects", Long.toString(d.objects()));
        LOG.info("Deleted backup {}", id);
    }

    /**
     * Deletes a backup: the manifest first (from then on it is gone from the catalogue, even if deleting the rest
     * fails), then its status object, then every other object. The bytes counted are those of the backup's data
     * objects, which is what its {@code storedBytes} and a retention plan's {@code bytesToFree} count.
     */
    Deleted deleteBackup(BackupId id) {
        storage.delete(Layout.manifestKey(id));
        boolean hasStatus = storage.stat(Layout.statusKey(id)).isPresent(); // backups older than status objects have none
        if (hasStatus) {
            storage.delete(Layout.statusKey(id));
        }
        Deleted rest = deleteFolder(Layout.folder(id));
        return new Deleted(rest.objects() + (hasStatus ? 2 : 1), rest.bytes());
    }

    private Deleted deleteFolder(String prefix) {
        List<BlobInfo> blobs;
        try (Stream<BlobInfo> s = storage.list(prefix)) {
            blobs = s.toList();
        }
        long bytes = 0;
        for (BlobInfo b : blobs) {
            storage.delete(b.key());
            bytes += b.size();
        }
        return new Deleted(blobs.size(), bytes);
    }

    /** Removes the objects of every interrupted backup and closes their history records as FAILED. */
    CleanupResult cleanUpInterrupted(OperationScope scope) {
        scope.options.put("kind", "interrupted backups");
        List<String> removed = new ArrayList<>();
        long objects = 0;
        long bytes = 0;
        for (String id : interruptedBackups()) {
            Deleted d = deleteFolder(Layout.BACKUPS + id + "/");
            objects += d.objects();
            bytes += d.bytes();
            removed.add(id);
            LOG.info("Removed interrupted backup {} ({} objects, {} bytes)", id, d.objects(), d.bytes());
        }
        markInterruptedRuns(removed);
        scope.options.put("removed", String.join(",", removed));
        return new CleanupResult(removed, objects, bytes);
    }

    /** Backups with objects but no manifest that this engine is not writing: their process stopped. */
    List<String> interruptedBackups() {
        context.ensureOpen();
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
        for (OperationRecord r : context.history.query(HistoryQuery.all().withOperation(Operation.BACKUP)
                .withStatus(BackupStatus.RUNNING))) {
            if (r.backupId().map(id -> removedIds.contains(id.value())).orElse(false)) {
                context.history.write(new OperationRecord(r.id(), r.operation(), BackupStatus.FAILED, r.backupId(),
                        r.actor(), r.startedAt(), Optional.of(context.config.clock().instant()), r.target(), r.options(),
                        Optional.of("interrupted: the process stopped before the backup was complete; its objects were "
                                + "removed by clean-up"), r.safetyBackup(), r.host()));
            }
        }
    }

    private boolean isRunning(String id) {
        return context.running.stream().anyMatch(r -> r.value().equals(id));
    }
}
