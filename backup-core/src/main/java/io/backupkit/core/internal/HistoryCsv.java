package io.backupkit.core.internal;

import io.backupkit.api.OperationRecord;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes history records as RFC 4180 CSV (a header line, CRLF line ends, fields with commas, quotes or line breaks
 * quoted). Actors, targets and errors are typed by people and the file is opened in spreadsheets, so a field a
 * spreadsheet would run as a formula is neutralised (OWASP "CSV injection"): it gets a leading single quote.
 */
final class HistoryCsv {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setHeader("id", "operation", "status", "backup_id", "actor", "started_at", "finished_at", "duration_ms",
                    "target", "options", "error", "safety_backup", "host")
            .get();

    private HistoryCsv() {
    }

    /** Writes the header and one line per record; flushes {@code out} but does not close it. */
    public static void write(List<OperationRecord> records, Writer out) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, FORMAT);   // not closed: closing it would close the caller's writer
        for (OperationRecord r : records) {
            printer.printRecord(safe(r.id()), safe(r.operation().name()), safe(r.status().name()),
                    safe(r.backupId().map(Object::toString).orElse("")), safe(r.actor()), safe(r.startedAt().toString()),
                    safe(r.finishedAt().map(Object::toString).orElse("")), safe(Long.toString(r.duration().toMillis())),
                    safe(r.target()), safe(options(r.options())), safe(r.error().orElse("")),
                    safe(r.safetyBackup().map(Object::toString).orElse("")), safe(r.host()));
        }
        printer.flush();
    }

    private static String options(Map<String, String> options) {
        return options.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    }

    /**
     * The field, with a single quote in front when it starts with a character a spreadsheet reads as the start of a
     * formula ({@code = + - @}) or that hides one (tab, carriage return). The quote shows; nothing else changes.
     */
    static String safe(String field) {
        if (field.isEmpty()) {
            return field;
        }
        return switch (field.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + field;
            default -> field;
        };
    }
}
