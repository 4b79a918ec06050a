package io.backupkit.core.internal;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.Schedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's slot markers, {@code locks/slots/<job>/<slot>} ({@link SlotMarker}): whether a slot was claimed, the
 * claim itself, and pruning to the newest {@code history} markers. Marker keys sort by slot, since the slot part
 * is a fixed-width UTC timestamp.
 */
record SlotMarkers(StorageProvider storage, String job, int history) {
    private static final Logger LOG = LoggerFactory.getLogger(SlotMarkers.class);

    /** The marker key of {@code slot}. */
    String key(Instant slot) {
        return Layout.slotKey(job, Scheduler.slotKey(slot));
    }

    /** Whether some instance claimed {@code slot}. */
    boolean claimed(Instant slot) {
        return storage.stat(key(slot)).isPresent();
    }

    /** Writes the marker that claims its slot, then prunes the oldest beyond the history. */
    void claim(SlotMarker marker) {
        storage.put(key(marker.slot()), ContentSource.of(Json.bytes(marker, "slot marker")));
        List<String> keys = keys().sorted().toList();
        for (int i = 0; i < keys.size() - history; i++) {
            storage.delete(keys.get(i));
        }
    }

    /**
     * The slot to catch up at start, if one was missed: the latest slot before {@code now}, when it has no marker
     * and the job's newest marker is older. A job that never ran has missed nothing.
     */
    Optional<Instant> missed(Schedule schedule, Instant now) {
        Optional<Instant> last = schedule.lastAtOrBefore(now);
        if (last.isEmpty() || !last.get().isBefore(now)) {
            return Optional.empty(); // a slot exactly at now is simply due, not missed
        }
        Optional<String> newest = keys().max(String::compareTo);
        if (newest.isEmpty()) {
            LOG.debug("job '{}': no earlier runs recorded, so no slot was missed", job);
            return Optional.empty();
        }
        return newest.get().compareTo(key(last.get())) < 0 ? last : Optional.empty();
    }

    private Stream<String> keys() {
        List<String> keys = new ArrayList<>();
        try (Stream<BlobInfo> listed = storage.list(Layout.slotFolder(job))) {
            listed.map(BlobInfo::key).forEach(keys::add);
        }
        return keys.stream();
    }
}
