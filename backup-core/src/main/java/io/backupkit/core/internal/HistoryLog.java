package io.backupkit.core.internal;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history kept in storage: one small JSON object per operation at
 * {@code logs/history/<yyyy-MM-dd>/<operation id>.json}, rewritten when the operation ends. Kept in the storage,
 * not the database, so it survives a database restore and is shared by every instance.
 */
public final class HistoryLog {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryLog.class);
    static final String PREFIX = Layout.LOGS + "history/";

    private final StorageProvider storage;

    public HistoryLog(StorageProvider storage) {
        this.storage = storage;
    }

    /** Records the current state of an operation. A failure to record is logged and returned, never thrown. */
    public RuntimeException write(OperationRecord record) {
        try {
            storage.put(key(record.id()), ContentSource.of(Json.compact().writeValueAsBytes(record)));
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not record {} {} in the history: {}", record.operation(), record.id(), e.getMessage());
            return e instanceof RuntimeException re ? re : new StorageException(e.getMessage(), true, e);
        }
    }

    /** The record of one operation, if there is a readable one. */
    public java.util.Optional<OperationRecord> find(String operationId) {
        try (InputStream in = storage.get(key(operationId))) {
            return java.util.Optional.of(Json.compact().readValue(in.readNBytes(4 * 1024 * 1024), OperationRecord.class));
        } catch (BlobNotFoundException e) {
            return java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Unreadable history record of {}: {}", operationId, e.getMessage());
            return java.util.Optional.empty();
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
