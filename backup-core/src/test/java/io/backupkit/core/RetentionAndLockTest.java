package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.ConflictException;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Job;
import io.backupkit.api.Operation;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention through the engine, and the storage-wide lock that keeps instances from running over each other. */
class RetentionAndLockTest {
    @TempDir
    Path tmp;
    Path media;
    Path store;

    @BeforeEach
    void setUp() throws IOException {
        media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        store = tmp.resolve("store");
    }

    @Test
    void dryRunDeletesNothingAndApplyingDeletesExactlyThePlan() {
        CatalogTest.MutableClock clock = new CatalogTest.MutableClock(Instant.parse("2026-01-01T02:00:00Z"));
        BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).clock(clock).build();
        List<BackupId> ids = new ArrayList<>();
        for (int day = 0; day < 10; day++) {
            ids.add(engine.backup(BackupType.FILES).id());
            clock.advance(Duration.ofDays(1));
        }
        engine.pin(ids.get(1));
        RetentionRules rules = RetentionRules.of(RetentionPolicy.builder().keepLast(3).build());

        RetentionPlan plan = engine.planRetention(rules);
        assertThat(engine.list()).hasSize(10);
        assertThat(plan.keepIds()).containsExactlyInAnyOrder(ids.get(9), ids.get(8), ids.get(7), ids.get(1));
        assertThat(plan.deleteIds()).hasSize(6);
        assertThat(plan.keep()).filteredOn(d -> d.backup().id().equals(ids.get(1)))
                .singleElement().satisfies(d -> assertThat(d.reasons()).anyMatch(r -> r.contains("pinned")));

        engine.pin(ids.get(2)); // pinned after the plan was made: applying must still keep it
        CleanupResult done = engine.applyRetention(plan);
        assertThat(done.backups()).hasSize(5).doesNotContain(ids.get(2).value());
        assertThat(engine.list()).extracting(BackupInfo::id)
                .containsExactly(ids.get(9), ids.get(8), ids.get(7), ids.get(2), ids.get(1));
        assertThat(engine.history(HistoryQuery.all().withOperation(Operation.CLEANUP)).get(0).options())
                .containsEntry("kind", "retention");
    }

    @Test
    void anotherInstancesCleanUpWaitsForNoRunningBackupItFailsNamingTheHolder() throws Exception {
        CountDownLatch uploading = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        BackupEngine first = BackupKit.builder()
                .storage(new OperationsTest.GatedStorage(LocalStorageProvider.at(store), "files.tar.zst", uploading, gate))
                .files(media).build();
        BackupEngine second = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();

        Job<BackupResult> running = first.startBackup(BackupRequest.of(BackupType.FILES));
        assertThat(uploading.await(1, TimeUnit.MINUTES)).isTrue();
        // The second instance would otherwise delete the running backup's objects as "interrupted".
        assertThatThrownBy(second::cleanUpInterrupted).isInstanceOf(ConflictException.class)
                .hasMessageContaining("is held by").hasMessageContaining(running.id());
        gate.countDown();
        BackupId id = running.result().get(1, TimeUnit.MINUTES).id();
        assertThat(second.cleanUpInterrupted().backups()).isEmpty();
        assertThat(second.verify(id).ok()).isTrue();
    }

    @Test
    void operationsOfOneEngineQueueInsteadOfFailing() throws Exception {
        BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
        List<Job<BackupResult>> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(engine.startBackup(BackupRequest.of(BackupType.FILES)));
        }
        for (Job<BackupResult> j : jobs) {
            assertThat(j.result().get(2, TimeUnit.MINUTES).manifest()).isNotNull();
        }
        assertThat(engine.list()).hasSize(3);
    }

    @Test
    void twoInstancesScheduledEveryTwoSecondsMakeOneBackupPerSlot() throws Exception {
        BackupEngine a = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
        BackupEngine b = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
        Schedule every2s = Schedule.every(Duration.ofSeconds(2));
        try (BackupScheduler sa = BackupScheduler.builder(a).name("frequent").schedule(every2s)
                     .request(BackupRequest.of(BackupType.FILES)).leaseTtl(Duration.ofSeconds(10)).start();
             BackupScheduler sb = BackupScheduler.builder(b).name("frequent").schedule(every2s)
                     .request(BackupRequest.of(BackupType.FILES)).leaseTtl(Duration.ofSeconds(10)).start()) {
            Thread.sleep(9_000);
            sa.close();
            sb.close();
            long runs = sa.runs() + sb.runs();
            assertThat(runs).as("slots run in 9 s of 2 s slots").isBetween(3L, 5L);
            assertThat(a.list()).hasSize((int) runs);
            assertThat(sa.failures() + sb.failures()).isZero();
            // one backup per slot: no two backups start within the same 2 s slot
            List<Instant> starts = a.list().stream().map(BackupInfo::createdAt).sorted().toList();
            for (int i = 1; i < starts.size(); i++) {
                assertThat(starts.get(i).getEpochSecond() / 2).isGreaterThan(starts.get(i - 1).getEpochSecond() / 2);
            }
            assertThat(a.history(HistoryQuery.all().withOperation(Operation.BACKUP)))
                    .allSatisfy(r -> assertThat(r.actor()).isEqualTo("scheduler"));
        }
    }

    @Test
    void aScheduledJobAppliesRetentionAfterEachRun() throws Exception {
        BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
        try (BackupScheduler s = BackupScheduler.builder(engine).name("with-retention").schedule(Schedule.every(Duration.ofSeconds(1)))
                .request(BackupRequest.of(BackupType.FILES))
                .retention(RetentionRules.of(RetentionPolicy.builder().keepLast(2).build())).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s.runs() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            s.close();
            assertThat(s.runs()).isGreaterThanOrEqualTo(4);
            assertThat(engine.list()).hasSize(2);
        }
    }
}
