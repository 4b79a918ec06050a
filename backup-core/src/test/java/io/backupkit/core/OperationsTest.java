package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupStats;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.CancelledException;
import io.backupkit.api.FileSet;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.HealthReport;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Job;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RestoreRequest;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History and audit trail, jobs and cancellation, stats and health. */
class OperationsTest {
    @TempDir
    Path tmp;
    Path media;
    CatalogTest.MutableClock clock;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("media");
        TestTrees.generate(media, 50, 3);
        clock = new CatalogTest.MutableClock(Instant.parse("2026-03-01T02:00:00Z"));
    }

    private BackupEngine engine(io.backupkit.api.spi.StorageProvider storage) {
        return BackupKit.builder().storage(storage).files(media).clock(clock)
                .healthPolicy(new HealthPolicy(Duration.ofHours(25), OptionalLong.of(50_000_000), 2)).build();
    }

    @Test
    void everyOperationIsRecordedWithActorStatusAndError() {
        BackupEngine engine = engine(new InMemoryStorageProvider()).withActor("alice");
        BackupId id = engine.backup(BackupType.FILES).id();
        clock.advance(Duration.ofMinutes(1));
        engine.verify(id);
        clock.advance(Duration.ofMinutes(1));
        engine.restore(RestoreRequest.builder(id).filesTarget(tmp.resolve("out")).actor("bob").build());
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> engine.delete(BackupId.of("20200101T000000Z-files-0000")));

        List<OperationRecord> history = engine.history(HistoryQuery.all());
        assertThat(history).extracting(OperationRecord::operation)
                .containsExactly(Operation.DELETE, Operation.RESTORE, Operation.VERIFY, Operation.BACKUP);
        assertThat(history.get(0).status()).isEqualTo(BackupStatus.FAILED);
        assertThat(history.get(0).error()).get().asString().contains("no backup 20200101T000000Z-files-0000");
        assertThat(history.get(1).actor()).isEqualTo("bob");
        assertThat(history.get(1).target()).contains(tmp.resolve("out").toString());
        assertThat(history.get(1).options()).containsEntry("filesMode", "REPLACE");
        assertThat(history.get(2).actor()).isEqualTo("alice");
        assertThat(history.get(3).backupId()).contains(id);
        assertThat(history).allSatisfy(r -> assertThat(r.host()).isNotEmpty());
        assertThat(engine.history(HistoryQuery.all().withOperation(Operation.BACKUP).withStatus(BackupStatus.COMPLETED)))
                .hasSize(1);
    }

    @Test
    void theHistorySurvivesInTheStorageForAnotherEngineInstance() {
        InMemoryStorageProvider shared = new InMemoryStorageProvider();
        engine(shared).withActor("instance-1").backup(BackupType.FILES);
        List<OperationRecord> seen = engine(shared).history(HistoryQuery.all());
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.actor()).isEqualTo("instance-1");
            assertThat(r.status()).isEqualTo(BackupStatus.COMPLETED);
        });
    }

    @Test
    void historyCsvOpensWithACsvParserEvenWithCommasQuotesAndNewlines() throws IOException {
        String awkward = "Doe, \"JD\"\nJohn";
        BackupEngine engine = engine(new InMemoryStorageProvider()).withActor(awkward);
        engine.backup(BackupType.FILES);
        assertThatThrownBy(() -> engine.verify(BackupId.of("20200101T000000Z-full-beef")));
        StringWriter csv = new StringWriter();
        engine.exportHistoryCsv(HistoryQuery.all(), csv);

        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.toString())).getRecords();
        assertThat(rows).hasSize(2);
        assertThat(rows).allSatisfy(r -> assertThat(r.get("actor")).isEqualTo(awkward));
        assertThat(rows.get(0).get("operation")).isEqualTo("VERIFY");
        assertThat(rows.get(0).get("status")).isEqualTo("FAILED");
        assertThat(rows.get(0).get("error")).contains("no backup 20200101T000000Z-full-beef");
        assertThat(rows.get(1).get("backup_id")).startsWith("20260301T020000Z-files-");
        assertThat(rows.get(1).get("options")).contains("type=FILES");
    }

    @Test
    void historyCsvNeutralisesAnActorASpreadsheetWouldRunAsAFormula() throws IOException {
        String formula = "=HYPERLINK(\"http://evil.example\",\"details\")";
        BackupEngine engine = engine(new InMemoryStorageProvider()).withActor(formula);
        engine.backup(BackupType.FILES);
        StringWriter csv = new StringWriter();
        engine.exportHistoryCsv(HistoryQuery.all(), csv);

        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.toString())).getRecords();
        assertThat(rows).singleElement().satisfies(r -> assertThat(r.get("actor")).isEqualTo("'" + formula));
        assertThat(engine.history(HistoryQuery.all()).get(0).actor()).isEqualTo(formula);   // only the CSV changes it
    }

    @Test
    void aBackupJobReportsItsStatusAndResult() throws Exception {
        BackupEngine engine = engine(new InMemoryStorageProvider());
        Job<BackupResult> job = engine.startBackup(io.backupkit.api.BackupRequest.of(BackupType.FILES));
        BackupResult result = job.result().get(2, TimeUnit.MINUTES);
        assertThat(job.status()).isEqualTo(BackupStatus.COMPLETED);
        assertThat(job.backupId()).contains(result.id());
        assertThat(engine.job(job.id())).containsSame(job);
        assertThat(engine.history(HistoryQuery.all()).get(0).id()).isEqualTo(job.id());
        assertThat(job.cancel()).isFalse();
    }

    @Test
    void cancellingABackupMidWayLeavesNothingListedAndNoLeftoversAfterCleanUp() throws Exception {
        Path store = tmp.resolve("store");
        Path big = Files.createDirectories(tmp.resolve("big"));
        for (int i = 0; i < 40; i++) {
            TestTrees.largeFile(big.resolve("part-" + i + ".bin"), 1_000_000, i);
        }
        // The archive's upload waits at a gate, so the job is certainly mid-way when it is cancelled.
        java.util.concurrent.CountDownLatch uploading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        io.backupkit.api.spi.StorageProvider local = LocalStorageProvider.at(store);
        io.backupkit.api.spi.StorageProvider gated = new GatedStorage(local, "files.tar.zst", uploading, gate);
        BackupEngine engine = BackupKit.builder().storage(gated).files(FileSet.of(big)).clock(clock).build();
        Job<BackupResult> job = engine.startBackup(io.backupkit.api.BackupRequest.of(BackupType.FILES));
        assertThat(uploading.await(2, TimeUnit.MINUTES)).isTrue();
        boolean cancelled = job.cancel();
        gate.countDown();
        assertThatThrownBy(() -> job.result().get(2, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CancelledException.class);
        assertThat(cancelled).isTrue();
        assertThat(job.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(engine.list()).isEmpty();
        engine.cleanUpInterrupted();
        try (Stream<Path> s = Files.walk(store.resolve("backups"))) {
            assertThat(s.filter(Files::isRegularFile)).isEmpty();
        } catch (java.nio.file.NoSuchFileException gone) {
            // nothing left at all
        }
        assertThat(engine.history(HistoryQuery.all().withOperation(Operation.BACKUP)).get(0).error())
                .get().asString().contains("cancelled");
    }

    @Test
    void statsCountBackupsAndRuns() {
        BackupEngine engine = engine(new InMemoryStorageProvider());
        engine.backup(BackupType.FILES);
        clock.advance(Duration.ofHours(1));
        engine.backup(BackupType.FILES);
        BackupStats stats = engine.stats();
        assertThat(stats.backupsByType()).containsEntry(BackupType.FILES, 2L);
        assertThat(stats.backupRunsByStatus()).containsEntry(BackupStatus.COMPLETED, 2L);
        assertThat(stats.totalStoredBytes()).isPositive();
        assertThat(stats.oldestBackup()).contains(Instant.parse("2026-03-01T02:00:00Z"));
        assertThat(stats.newestBackup()).contains(Instant.parse("2026-03-01T03:00:00Z"));
        assertThat(stats.lastSuccess()).isPresent();
        assertThat(stats.lastFailure()).isEmpty();
    }

    @Test
    void healthFlagsATooOldBackupAndFailingRuns() {
        InMemoryStorageProvider storage = new InMemoryStorageProvider();
        BackupEngine engine = engine(storage);
        assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                .containsExactly(HealthReport.Kind.STALE_BACKUP);
        engine.backup(BackupType.FILES);
        assertThat(engine.health().healthy()).isTrue();

        clock.advance(Duration.ofHours(26));
        assertThat(engine.health().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(HealthReport.Kind.STALE_BACKUP);
            assertThat(p.message()).contains("older than 25 hours");
        });

        FaultInjectingStorageProvider failing = FaultInjectingStorageProvider.wrap(storage)
                .failCalls(FaultInjectingStorageProvider.Verb.PUT, k -> k.startsWith("backups/")).build();
        BackupEngine broken = engine(failing);
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMinutes(1));
            assertThatThrownBy(() -> broken.backup(BackupType.FILES));
        }
        assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                .containsExactlyInAnyOrder(HealthReport.Kind.STALE_BACKUP, HealthReport.Kind.FAILING_RUNS);
    }

    @Test
    void healthReportsAnUnreachableStorageInsteadOfThrowing() {
        FaultInjectingStorageProvider down = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                .failCalls(k -> true).build();
        HealthReport report = engine(down).health();
        assertThat(report.problems()).extracting(HealthReport.Problem::kind).containsExactly(HealthReport.Kind.STORAGE_UNREACHABLE);
    }

    /** Delegates everything; a put whose key ends with {@code suffix} waits at the gate first. */
    record GatedStorage(io.backupkit.api.spi.StorageProvider delegate, String suffix,
                                java.util.concurrent.CountDownLatch arrived, java.util.concurrent.CountDownLatch gate)
            implements io.backupkit.api.spi.StorageProvider {
        @Override
        public void put(String key, io.backupkit.api.spi.ContentSource source) {
            if (key.endsWith(suffix)) {
                arrived.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            delegate.put(key, source);
        }

        @Override
        public java.io.InputStream get(String key) {
            return delegate.get(key);
        }

        @Override
        public java.io.InputStream get(String key, io.backupkit.api.spi.ByteRange range) {
            return delegate.get(key, range);
        }

        @Override
        public java.util.Optional<io.backupkit.api.spi.BlobInfo> stat(String key) {
            return delegate.stat(key);
        }

        @Override
        public Stream<io.backupkit.api.spi.BlobInfo> list(String prefix) {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String key) {
            delegate.delete(key);
        }

        @Override
        public String description() {
            return delegate.description();
        }
    }
}
