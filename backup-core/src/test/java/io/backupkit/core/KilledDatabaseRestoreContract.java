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
import io.backupkit.api.RecoveryReport.Outcome;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.core.KilledDatabaseRestoreChild.StopAt;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database REPLACE restore killed ({@code SIGKILL}) at each of the five points of issue 13 is recovered, by
 * {@code recover()} or by simply running the next restore: the target database is then identical, by the engine's own
 * schema dump and by row hashes ({@link ServerState}), to the state before the restore or to the backup (never empty
 * or mixed); the killed restore's history record states the outcome; health reports the unfinished restore before
 * and not after; no intent record or partial safety backup is left. One subclass per engine says what each point
 * leads to there.
 */
abstract class KilledDatabaseRestoreContract {
    @TempDir
    Path tmp;
    Path store;
    TestDatabase db;
    BackupId backup;
    ServerState backedUp;
    ServerState before;

    /** The server the target database lives on. */
    abstract DatabaseServer server();

    /** Creates the application's tables, views and triggers with some rows. */
    abstract List<String> fixture();

    /**
     * Tables created after the backup that reference backed-up tables (a foreign key onto a replaced table): the
     * restore leaves them alone, and their keys must point at the table of that name afterwards. None by default.
     */
    List<String> outsideTheBackup() {
        return List.of();
    }

    /** Staging or moved-aside tables of the engine's restore left in the target; none by default. */
    List<String> leftovers() throws Exception {
        return List.of();
    }

    /** What the application changes after the backup: rows and a column. */
    abstract List<String> changesAfterBackup();

    /** What recovery does for a restore killed there: UNCHANGED, ROLLED_BACK (target as before) or COMPLETED. */
    abstract Outcome expected(StopAt stopAt);

    @BeforeEach
    void setUp() throws Exception {
        db = server().createDatabase();
        exec(fixture());
        store = tmp.resolve("store");
        try (BackupEngine engine = engine()) {
            backup = engine.backup(BackupType.DATABASE).id();
        }
        exec(outsideTheBackup());
        backedUp = ServerState.of(db);
        exec(changesAfterBackup());
        before = ServerState.of(db);
        assertThat(before).isNotEqualTo(backedUp);
    }

    @ParameterizedTest(name = "killed {0}, then recover()")
    @EnumSource(StopAt.class)
    void recoverPutsTheDatabaseBackOrFinishesTheRestore(StopAt stopAt) throws Exception {
        String opId = runChildAndKillIt(stopAt);
        Outcome outcome = expected(stopAt);
        try (BackupEngine engine = engine()) {
            assertThat(engine.unfinishedRestores()).singleElement().satisfies(u -> {
                assertThat(u.operationId()).isEqualTo(opId);
                assertThat(u.running()).as("its process is dead").isFalse();
            });
            assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                    .contains(HealthReport.Kind.UNFINISHED_RESTORE);

            RecoveryReport report = engine.recover();

            assertThat(report.recovered()).singleElement().satisfies(r -> assertThat(r.outcome()).as(r.message())
                    .isEqualTo(outcome));
            assertOutcome(engine, opId, outcome);
            assertThat(engine.recover().recovered()).as("recovery is done once").isEmpty();
        }
        assertThat(ServerState.of(db)).isEqualTo(outcome == Outcome.COMPLETED ? backedUp : before);
        assertNothingLeft();
    }

    @ParameterizedTest(name = "killed {0}, then the next restore")
    @EnumSource(StopAt.class)
    void theNextRestoreRecoversFirst(StopAt stopAt) throws Exception {
        String opId = runChildAndKillIt(stopAt);
        Outcome outcome = expected(stopAt);
        try (BackupEngine engine = engine()) {
            RestoreResult result = engine.restore(RestoreRequest.builder(backup).build());

            assertOutcome(engine, opId, outcome);
            assertThat(ServerState.of(db)).isEqualTo(backedUp);
            // The safety backup of the second restore saved what recovery left: the state before, or the backup.
            engine.restore(RestoreRequest.builder(result.safetyBackup().orElseThrow()).safetyBackup(false).build());
        }
        assertThat(ServerState.of(db)).isEqualTo(outcome == Outcome.COMPLETED ? backedUp : before);
        assertNothingLeft();
    }

    private void assertOutcome(BackupEngine engine, String opId, Outcome outcome) {
        OperationRecord killed = engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).stream()
                .filter(r -> r.id().equals(opId)).findFirst().orElseThrow();
        assertThat(killed.status()).isEqualTo(switch (outcome) {
            case COMPLETED -> BackupStatus.COMPLETED;
            case ROLLED_BACK -> BackupStatus.ROLLED_BACK;
            default -> BackupStatus.FAILED;
        });
        assertThat(killed.error().orElseThrow()).contains("recovered by");
        assertThat(killed.options()).containsEntry("recovery", outcome.name());
        assertThat(engine.unfinishedRestores()).isEmpty();
        assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                .doesNotContain(HealthReport.Kind.UNFINISHED_RESTORE);
        assertThat(engine.history(HistoryQuery.all())).extracting(OperationRecord::status)
                .as("no operation says running for ever").doesNotContain(BackupStatus.RUNNING);
    }

    private void assertNothingLeft() throws Exception {
        assertThat(leftovers()).as("no staging or moved-aside table").isEmpty();
        try (Stream<Path> all = Files.walk(store)) {
            assertThat(all.map(p -> store.relativize(p).toString().replace('\\', '/')))
                    .as("no intent record or temporary file")
                    .noneMatch(k -> k.startsWith("logs/intents/") || k.contains("/.") || k.startsWith("."));
        }
        try (BackupEngine engine = engine()) {
            assertThat(engine.cleanUpInterrupted().backups()).as("no partial safety backup").isEmpty();
        }
    }

    private BackupEngine engine() {
        // on a loaded machine a lock write can take longer than the default 250 ms settle delay
        return BackupKit.builder().storage(LocalStorageProvider.at(store)).dataSource(db.dataSource()).parallelism(1)
                .operationLock(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ZERO).build();
    }

    private String runChildAndKillIt(StopAt stopAt) throws Exception {
        ChildJvm.runUntilBlockedAndKill(KilledDatabaseRestoreChild.class, tmp, store.toString(), db.engine().name(),
                db.jdbcUrl(), db.user(), db.password(), backup.value(), stopAt.name());
        try (BackupEngine engine = engine()) {
            return engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).get(0).id();
        }
    }

    void exec(List<String> statements) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
