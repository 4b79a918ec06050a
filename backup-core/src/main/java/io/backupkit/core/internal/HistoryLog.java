package io.backupkit.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupEvent;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.JobInfo;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history kept in storage: one small JSON object per operation at
 * {@code logs/history/<yyyy-MM-dd>/<operation id>.json}, rewritten when the operation ends. Kept in the storage,
 * not the database, so it survives a database restore and is shared by every instance.
 */
final class HistoryLog {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryLog.class);
    static final String PREFIX = Layout.LOGS + "history/";
    private static final Pattern OPERATION_ID =
            Pattern.compile("\\d{8}T\\d{6}Z-[a-z_]+-[0-9a-f]{8}");

    private final StorageProvider storage;

    public HistoryLog(StorageProvider storage) {
        this.storage = storage;
    }

    /** Records the current state of an operation. A failure to record is logged and returned, never thrown. */
    public RuntimeException write(OperationRecord record) {
        return write(record, Optional.empty());
    }

    /**
     * Records the current state of an operation with its latest progress (a {@code progress} member beside the
     * record's own, which readers of plain records ignore). A failure to record is logged and returned, never thrown.
     */
    public RuntimeException write(OperationRecord record, Optional<BackupEvent.Progress> progress) {
        try {
            ObjectNode node = Json.compact().valueToTree(record);
            progress.ifPresent(p -> node.set("progress", ProgressJson.write(p)));
            storage.put(key(record.id()), ContentSource.of(Json.compact().writeValueAsBytes(node)));
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not record {} {} in the history: {}", record.operation(), record.id(), e.getMessage());
            return e instanceof RuntimeException re ? re : new StorageException(e.getMessage(), true, e);
        }
    }

    /** The record of one operation, if there is a readable one. */
    public Optional<OperationRecord> find(String operationId) {
        return read(operationId, json -> Json.compact().readValue(json, OperationRecord.class));
    }

    /** An operation as a job, with the progress its record carries, if there is a readable record. */
    public Optional<JobInfo> findJob(String operationId) {
        if (!OPERATION_ID.matcher(operationId).matches()) {
            return Optional.empty();
        }
        return read(operationId, json -> job(json, lastModified(key(operationId))));
    }

    /** One operation's record (its first 4 MiB) as {@code parse} reads it; empty when it is missing or unreadable. */
    private <T> Optional<T> read(String operationId, RecordParser<T> parse) {
        try (InputStream in = storage.get(key(operationId))) {
            return Optional.of(parse.parse(in.readNBytes(4 * 1024 * 1024)));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Unreadable history record of {}: {}", operationId, e.getMessage());
            return Optional.empty();
        }
    }

    private interface RecordParser<T> {
        T parse(byte[] json) throws IOException;
    }

    /** The running operations and the {@code recent} newest finished ones, newest first. */
    public List<JobInfo> jobs(int recent) {
        List<JobInfo> out = new ArrayList<>();
        List<BlobInfo> blobs;
        try (Stream<BlobInfo> s = storage.list(PREFIX)) {
            blobs = s.filter(b -> b.key().endsWith(".json")).toList();
        }
        // ids begin with the start time: newest first without reading every record
        List<BlobInfo> newestFirst = blobs.stream().sorted(Comparator.comparing(
                (BlobInfo b) -> b.key().substring(b.key().lastIndexOf('/') + 1)).reversed()).toList();
        int finished = 0;
        for (BlobInfo b : newestFirst) {
            try (InputStream in = storage.get(b.key())) {
                JobInfo j = job(in.readNBytes(4 * 1024 * 1024), b.lastModified());
                if (j.running()) {
                    out.add(j);
                } else if (finished < recent) {
                    out.add(j);
                    finished++;
                }
            } catch (BlobNotFoundException e) {
                // deleted meanwhile
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping unreadable history record {}: {}", b.key(), e.getMessage());
            }
        }
        return out;
    }

    private static JobInfo job(byte[] json, Instant written) throws IOException {
        JsonNode node = Json.compact().readTree(json);
        OperationRecord r = Json.compact().treeToValue(node, OperationRecord.class);
        Optional<BackupEvent.Progress> progress = node.hasNonNull("progress")
                ? Optional.of(ProgressJson.read(node.get("progress"), r)) : Optional.empty();
        Instant updated = r.finishedAt().or(() -> progress.map(BackupEvent.Progress::at))
                .orElse(written != null ? written : r.startedAt());
        return new JobInfo(r, progress, updated);
    }

    private Instant lastModified(String key) {
        try {
            return storage.stat(key).map(BlobInfo::lastModified).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Records matching the query, newest first. Unreadable records are logged and skipped. */
    public List<OperationRecord> query(HistoryQuery query) {
        List<OperationRecord> out = new ArrayList<>();
        List<String> keys;
        try (Stream<BlobInfo> s = storage.list(PREFIX)) {
            keys = s.map(BlobInfo::key).filter(k -> k.endsWith(".json")).filter(k -> dayInRange(k, query)).toList();
        }
        for (String key : keys) {
            try (InputStream in = storage.get(key)) {
                OperationRecord r = Json.compact().readValue(in.readNBytes(4 * 1024 * 1024), OperationRecord.class);
                if (query.matches(r)) {
                    out.add(r);
                }
            } catch (BlobNotFoundException e) {
                // deleted meanwhile
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping unreadable history record {}: {}", key, e.getMessage());
            }
        }
        out.sort(Comparator.comparing(OperationRecord::startedAt).thenComparing(OperationRecord::id).reversed());
        return query.limit() > 0 && out.size() > query.limit() ? List.copyOf(out.subList(0, query.limit())) : out;
    }

    /** Operation ids start with their UTC start time, so the day folder follows from the id. */
    static String key(String operationId) {
        String day = operationId.substring(0, 4) + "-" + operationId.substring(4, 6) + "-" + operationId.substring(6, 8);
        return PREFIX + day + "/" + operationId + ".json";
    }

    private static boolean dayInRange(String key, HistoryQuery q) {
        String rest = key.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash != 10) {
            return false;
        }
        String day = rest.substring(0, slash);
        // Whole-day granularity here; the exact instants are checked on the record.
        return q.from().map(f -> day.compareTo(f.toString().substring(0, 10)) >= 0).orElse(true)
                && q.before().map(b -> day.compareTo(b.toString().substring(0, 10)) <= 0).orElse(true);
    }
}
