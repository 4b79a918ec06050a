package io.backupkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --json} on a long operation, in restic's style: stdout carries one JSON object per line, {@code status}
 * lines while it runs (one when it starts, then at most one a second), and one {@code summary} line last holding
 * the command's result object (the fields {@code --json} printed before streaming existed). Fields are in
 * docs/CLI.md.
 */
final class JsonLinesProgress implements BackupListener {
    static final String STATUS = "status";
    static final String SUMMARY = "summary";
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final boolean enabled;
    private Instant started;
    private long lastLine;

    JsonLinesProgress(PrintStream out, boolean quiet) {
        this.out = out;
        this.enabled = !quiet;
    }

    @Override
    public synchronized void onEvent(BackupEvent event) {
        if (!enabled) {
            return;
        }
        if (event instanceof BackupEvent.Started s) {
            if (started == null) {   // the outer operation; a restore's safety backup runs inside it
                started = s.at();
                Map<String, Object> m = line(s.operation().name(), s.backupId().map(Object::toString).orElse(null));
                m.put("seconds_elapsed", 0);
                m.put("percent_done", 0.0);
                write(m);
                lastLine = System.nanoTime();
            }
        } else if (event instanceof BackupEvent.Progress p) {
            long now = System.nanoTime();
            if (now - lastLine < INTERVAL_NANOS) {
                return;
            }
            lastLine = now;
            write(status(p, started == null ? p.at() : started));
        }
    }

    static Map<String, Object> status(BackupEvent.Progress p, Instant started) {
        Map<String, Object> m = line(p.operation().name(), p.backupId().map(Object::toString).orElse(null));
        m.put("seconds_elapsed", Math.max(0, Duration.between(started, p.at()).toSeconds()));
        if (p.totalBytes().isPresent() && p.totalBytes().getAsLong() > 0) {
            m.put("percent_done", Math.min(1.0, (double) p.bytes() / p.totalBytes().getAsLong()));
            m.put("total_bytes", p.totalBytes().getAsLong());
        }
        m.put("bytes_done", p.bytes());
        m.put("rows_done", p.rows());
        m.put("tables_done", p.tables());
        m.put("files_done", p.files());
        m.put("bytes_per_second", (long) p.bytesPerSecond());
        p.eta().ifPresent(eta -> m.put("seconds_remaining", Math.max(0, eta.toSeconds())));
        return m;
    }

    private static Map<String, Object> line(String operation, String backupId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message_type", STATUS);
        m.put("operation", operation.toLowerCase(Locale.ROOT));
        if (backupId != null) {
            m.put("backup_id", backupId);
        }
        return m;
    }

    /** The last line: {@code message_type: summary} followed by the result's own fields. */
    static Map<String, Object> summary(Object result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message_type", SUMMARY);
        if (result instanceof Map<?, ?> fields) {
            fields.forEach((k, v) -> m.put(String.valueOf(k), v));
        } else {
            m.put("result", result);
        }
        return m;
    }

    synchronized void write(Map<String, Object> line) {
        try {
            out.println(JSON.writeValueAsString(line));   // one line: no indentation
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON: " + e.getMessage(), e);
        }
    }
}
