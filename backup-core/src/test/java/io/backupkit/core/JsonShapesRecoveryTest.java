package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.backupkit.api.BackupId;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.UnfinishedRestore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code recover --list --json} and {@code recover --json} shapes: field names and order are an interface. */
class JsonShapesRecoveryTest {
    private static final BackupId BACKUP = BackupId.of("20260122T020000Z-full-7f3a");
    private static final BackupId SAFETY = BackupId.of("20260122T030000Z-safety-0001");
    private static final Instant STARTED = Instant.parse("2026-01-22T03:00:00Z");
    private static final UnfinishedRestore STOPPED = new UnfinishedRestore("op-1", BACKUP, STARTED, "db1", "SWAPPING",
            Optional.of(SAFETY), List.of("database", "files:media"), false);

    @Test
    void unfinishedRestoreHasEveryFieldInOrder() {
        assertThat(JsonShapes.unfinishedRestore(STOPPED)).containsExactly(
                entry("operationId", "op-1"), entry("backupId", BACKUP.value()),
                entry("startedAt", "2026-01-22T03:00:00Z"), entry("host", "db1"), entry("phase", "SWAPPING"),
                entry("safetyBackup", SAFETY.value()), entry("targets", List.of("database", "files:media")),
                entry("running", false));
    }

    @Test
    void noSafetyBackupIsNull() {
        UnfinishedRestore none = new UnfinishedRestore("op-2", BACKUP, STARTED, "db1", "LOADING", Optional.empty(),
                List.of("database"), true);
        assertThat(JsonShapes.unfinishedRestore(none)).containsEntry("safetyBackup", null)
                .containsEntry("running", true);
    }

    @Test
    void recoveredAddsOutcomeAndMessageAfterTheRestore() {
        Map<String, Object> m = JsonShapes.recovered(new RecoveryReport.Recovered(STOPPED,
                RecoveryReport.Outcome.ROLLED_BACK, "put back from its safety backup"));
        assertThat(m.keySet()).containsExactly("operationId", "backupId", "startedAt", "host", "phase", "safetyBackup",
                "targets", "running", "outcome", "message");
        assertThat(m).containsEntry("outcome", "ROLLED_BACK")
                .containsEntry("message", "put back from its safety backup");
    }
}
