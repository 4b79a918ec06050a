package io.backupkit.core.internal;

import io.backupkit.api.OperationRecord;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes history records as RFC 4180 CSV. */
final class HistoryCsv {
    private static final String[] HEADER = {"id", "operation", "status", "backup_id", "actor", "started_at",
        "finished_at", "duration_ms", "target", "options", "error", "safety_backup", "host"};

    private HistoryCsv() {
    }

    public static void write(List<OperationRecord> records, Writer out) throws IOException {
        line(out, HEADER);
        for (OperationRecord r : records) {
            line(out, r.id(), r.operation().name(), r.status().name(), r.backupId().map(Object::toString).orElse(""),
                    r.actor(), r.startedAt().toString(), r.finishedAt().map(Object::toString).orElse(""),
                    Long.toString(r.duration().toMillis()), r.target(),
                    r.options().entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")),
                    r.error().orElse(""), r.safetyBackup().map(Object::toString).orElse(""), r.host());
        }
        out.flush();
    }

    private static void line(Writer out, String... fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(quote(fields[i]));
        }
        out.write("\r\n");
    }

    /** Quotes a field when it holds a comma, quote, CR or LF (or starts with a space), doubling inner quotes. */
    static String quote(String field) {
        boolean needs = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0 || !field.isEmpty() && (field.charAt(0) == ' ' || field.charAt(field.length() - 1) == ' ');
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
