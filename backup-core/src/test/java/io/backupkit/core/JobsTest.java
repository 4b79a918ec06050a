package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.Job;
import io.backupkit.api.JobInfo;
import io.backupkit.api.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background operations are visible from every instance sharing the storage: another engine on the same folder
 * sees a running backup with the progress its RUNNING history record carries, then its end.
 */
class JobsTest {
    @TempDir
    Path tmp;

    @Test
    void anotherInstanceSeesARunningBackupWithItsProgressThenItsEnd() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Random random = new Random(7);
        for (int i = 0; i < 8; i++) {
            byte[] data = new byte[4 << 20];
            random.nextBytes(data);
            Files.write(media.resolve("f" + i + ".bin"), data);
        }
        Path storage = tmp.resolve("backups");
        CountDownLatch progressed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The listener runs after the progress was recorded; holding it keeps the backup running for the test.
        BackupEngine a = BackupKit.builder().storage("file:" + storage).files(media).progressInterval(Duration.ofMillis(100))
                .listener(e -> {
                    if (e instanceof BackupEvent.Progress p && p.bytes() > 0 && progressed.getCount() > 0) {
                        progressed.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).build();
        BackupEngine b = BackupKit.builder().storage("file:" + storage).build();
        try (a; b) {
            Job<BackupResult> job = a.startBackup(BackupRequest.of(BackupType.FILES));
            assertThat(progressed.await(60, TimeUnit.SECONDS)).isTrue();

            List<JobInfo> running = b.jobs(0);
            assertThat(running).singleElement().satisfies(j -> {
                assertThat(j.id()).isEqualTo(job.id());
                assertThat(j.running()).isTrue();
                assertThat(j.operation().operation()).isEqualTo(Operation.BACKUP);
                assertThat(j.progress()).hasValueSatisfying(p -> assertThat(p.bytes()).isPositive());
            });
            assertThat(b.jobInfo(job.id())).hasValueSatisfying(j -> assertThat(j.running()).isTrue());

            release.countDown();
            BackupResult result = job.result().get(60, TimeUnit.SECONDS);
            JobInfo done = b.jobInfo(job.id()).orElseThrow();
            assertThat(done.running()).isFalse();
            assertThat(done.operation().status()).isEqualTo(BackupStatus.COMPLETED);
            assertThat(done.operation().backupId()).contains(result.id());
            assertThat(b.jobs(0)).isEmpty();
            assertThat(b.jobs(5)).extracting(JobInfo::id).containsExactly(job.id());
        } finally {
            release.countDown();
        }
    }

    @Test
    void unknownOrMalformedIdsAreNotFoundAndNeverAPath() throws Exception {
        try (BackupEngine e = BackupKit.builder().storage("file:" + Files.createDirectories(tmp.resolve("s"))).build()) {
            assertThat(e.jobInfo("20260101T000000Z-backup-00000000")).isEmpty();
            assertThat(e.jobInfo("../../manifest")).isEmpty();
            assertThatThrownBy(() -> e.jobs(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
