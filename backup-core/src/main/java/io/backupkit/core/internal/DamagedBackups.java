package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.StorageProvider;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The catalogue line of a backup whose manifest cannot be read: what the id and the storage still tell (the id
 * carries the start time and the type; the folder's objects give the size), with status DAMAGED.
 */
final class DamagedBackups {
    private DamagedBackups() {
    }

    static Optional<BackupInfo> line(StorageProvider storage, String manifestKey) {
        Optional<String> id = Layout.idOf(manifestKey);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        BackupId backupId;
        try {
            backupId = BackupId.of(id.get());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a backup folder this engine ever wrote
        }
        List<BlobInfo> objects;
        try (Stream<BlobInfo> s = storage.list(Layout.folder(backupId))) {
            objects = s.toList();
        }
        Instant written = objects.stream().filter(b -> b.key().equals(manifestKey)).map(BlobInfo::lastModified)
                .findFirst().orElse(Instant.EPOCH);
        String[] parts = id.get().split("-");
        // an id of another shape: the manifest's time is the best there is
        Instant created = IdTime.parse(parts[0]).orElse(written);
        BackupType type = BackupType.FULL;
        if (parts.length >= 2) {
            for (BackupType t : BackupType.values()) {
                if (t.label().equals(parts[1].toLowerCase(Locale.ROOT))) {
                    type = t;
                }
            }
        }
        return Optional.of(new BackupInfo(backupId, type, "", Set.of(), BackupStatus.DAMAGED, created, written,
                objects.stream().mapToLong(BlobInfo::size).sum(), 0, 0, 0));
    }
}
