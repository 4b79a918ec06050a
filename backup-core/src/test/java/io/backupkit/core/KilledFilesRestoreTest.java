package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.HealthReport;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.RestoreRequest;
import io.backupkit.core.KilledRestoreChild.StopAt;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A files REPLACE restore killed ({@code SIGKILL}) at each of the five points of issue 13 is recovered, by
 * {@code recover()} or by simply running the next restore: the target is then exactly as before the restore or
 * exactly the backup (never missing, empty or mixed), the killed restore's history record states the outcome, and
 * no hidden staging or replaced folder, intent record or partial safety backup is left.
 */
class KilledFilesRestoreTest {
    @TempDir
    Path tmp;
    Path media;
    Path store;
    BackupId backup;
    Map<String, String> backedUp;
    Map<String, String> before;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("app").resolve("media");
        TestTrees.generate(media, 60, 31);
        store = tmp.resolve("store");
        try (BackupEngine engine = engine()) {
            backup = engine.backup(BackupType.FILES).id();
        }
        backedUp = TestTrees.snapshot(media, ChronoUnit.MILLIS);
        // The application changes its files after the backup: the restore must put these back or replace them all.
        Files.writeString(media.resolve("new upload.txt"), "written after the backup");
        try (Stream<Path> files = Files.walk(media)) {
            List<Path> some = files.filter(Files::isRegularFile).limit(5).toList();
            Files.delete(some.get(0));
            Files.writeString(some.get(1), "changed after the backup");
        }
        before = TestTrees.snapshot(media, ChronoUnit.MILLIS);
        assertThat(before).isNotEqualTo(backedUp);
    }

    @ParameterizedTest(name = "killed {0}, then recover()")
    @EnumSource(StopAt.class)
    void recoverPutsTheTargetBackOrFinishesTheSwap(StopAt stopAt) throws Exception {
        String opId = runChildAndKillIt(stopAt);
        boolean finished = stopAt == StopAt.BETWEEN_RENAMES || stopAt == StopAt.AFTER_SWAP;

        try (BackupEngine engine = engine()) {
            assertThat(engine.unfinishedRestores()).singleElement().satisfies(u -> {
                assertThat(u.operationId()).isEqualTo(opId);
                assertThat(u.running()).as("its process is dead").isFalse();
            });
            assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                    .contains(HealthReport.Kind.UNFINISHED_RESTORE);
            assertThat(engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)))
                    .extracting(OperationRecord::status).containsExactly(BackupStatus.RUNNING);

            RecoveryReport report = engine.recover();

            assertThat(report.recovered()).singleElement().satisfies(r -> assertThat(r.outcome())
                    .isEqualTo(finished ? RecoveryReport.Outcome.COMPLETED : RecoveryReport.Outcome.UNCHANGED));
            assertOutcome(engine, opId, finished);
            assertThat(engine.recover().recovered()).as("recovery is done once").isEmpty();
        }
        assertThat(TestTrees.snapshot(media, ChronoUnit.MILLIS)).isEqualTo(finished ? backedUp : before);
        assertNothingHiddenLeft();
    }

    @ParameterizedTest(name = "killed {0}, then the next restore")
    @EnumSource(StopAt.class)
    void theNextRestoreRecoversFirst(StopAt stopAt) throws Exception {
        String opId = runChildAndKillIt(stopAt);
        boolean finished = stopAt == StopAt.BETWEEN_RENAMES || stopAt == StopAt.AFTER_SWAP;

        try (BackupEngine engine = engine()) {
            var result = engine.restore(RestoreRequest.builder(backup).build());

            assertOutcome(engine, opId, finished);
            // The safety backup of the second restore saved what recovery left: the state before, or the backup.
            Path check = tmp.resolve("check");
            engine.restore(RestoreRequest.builder(result.safetyBackup().orElseThrow()).filesTarget(check)
                    .safetyBackup(false).build());
            assertThat(TestTrees.snapshot(check, ChronoUnit.MILLIS)).isEqualTo(finished ? backedUp : before);
        }
        assertThat(TestTrees.snapshot(media, ChronoUnit.MILLIS)).isEqualTo(backedUp);
        assertNothingHiddenLeft();
    }

    private void assertOutcome(BackupEngine engine, String opId, boolean finished) {
        OperationRecord killed = engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).stream()
                .filter(r -> r.id().equals(opId)).findFirst().orElseThrow();
        assertThat(killed.status()).isEqualTo(finished ? BackupStatus.COMPLETED : BackupStatus.FAILED);
        assertThat(killed.error().orElseThrow()).contains("recovered by");
        assertThat(killed.finishedAt()).isPresent();
        assertThat(engine.unfinishedRestores()).isEmpty();
        assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                .doesNotContain(HealthReport.Kind.UNFINISHED_RESTORE);
        assertThat(engine.history(HistoryQuery.all())).extracting(OperationRecord::status)
                .as("no operation says running for ever").doesNotContain(BackupStatus.RUNNING);
    }

    private void assertNothingHiddenLeft() throws IOException {
        try (Stream<Path> siblings = Files.list(media.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("media");
        }
        try (Stream<Path> all = Files.walk(store)) {
            assertThat(all.map(p -> store.relativize(p).toString().replace('\\', '/')))
                    .as("no intent record, partial safety backup or temporary file")
                    .noneMatch(k -> k.startsWith("logs/intents/") || k.contains("/.") || k.startsWith("."));
        }
        try (BackupEngine engine = engine()) {
            assertThat(engine.cleanUpInterrupted().backups()).as("no partial safety backup").isEmpty();
        }
    }

    private BackupEngine engine() {
        return BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
    }

    /** Runs the restore in a child JVM, kills it where it stopped, and returns the killed restore's operation id. */
    private String runChildAndKillIt(StopAt stopAt) throws Exception {
        ChildJvm.runUntilBlockedAndKill(KilledRestoreChild.class, tmp, store.toString(), media.toString(),
                backup.value(), stopAt.name());
        try (BackupEngine engine = engine()) {
            return engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).get(0).id();
        }
    }
}
