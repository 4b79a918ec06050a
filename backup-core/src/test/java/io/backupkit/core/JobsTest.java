package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.Job;
import io.backupkit.api.JobInfo;
import io.backupkit.api.Operation;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.ForwardingStorageProvider;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
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
        CountDownLatch release = new CountDownLatch(1);
        // Engine a's storage sends the data slowly (so its progress is recorded several times on the way) and holds
        // the manifest until the test has looked: the backup is then certainly still running.
        StorageProvider slowAndHeld = new ForwardingStorageProvider(LocalStorageProvider.at(storage)) {
            @Override
            public void put(String key, ContentSource source) {
                if (key.endsWith("/manifest.json")) {
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.put(key, source);
                } else if (key.contains("/files/")) {
                    super.put(key, throttled(source));
                } else {
                    super.put(key, source);
                }
            }
        };
        BackupEngine a = BackupKit.builder().storage(slowAndHeld).files(media).progressInterval(Duration.ofMillis(100))
                .build();
        BackupEngine b = BackupKit.builder().storage("file:" + storage).build();
        try (a; b) {
            Job<BackupResult> job = a.startBackup(BackupRequest.of(BackupType.FILES));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (b.jobs(0).stream().noneMatch(j -> j.progress().isPresent()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

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

    /** The same content, read at about 40 MB/s: a 32 MB archive takes most of a second. */
    private static ContentSource throttled(ContentSource source) {
        return new ContentSource() {
            @Override
            public InputStream open() throws IOException {
                return new FilterInputStream(source.open()) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, Math.min(len, 256 * 1024));
                        try {
                            Thread.sleep(6);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException();
                        }
                        return n;
                    }
                };
            }

            @Override
            public OptionalLong length() {
                return source.length();
            }

            @Override
            public boolean repeatable() {
                return source.repeatable();
            }
        };
    }

    @Test
    void unknownOrMalformedIdsAreNotFoundAndNeverAPath() throws Exception {
        try (BackupEngine e = BackupKit.builder().storage("file:" + Files.createDirectories(tmp.resolve("s"))).build()) {
            assertThat(e.jobInfo("20260101T000000Z-backup-00000000")).isEmpty();
            assertThat(e.jobInfo("../../manifest")).isEmpty();
            assertThatThrownBy(() -> e.jobs(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * A poller that sees a job COMPLETED can read its result: the job thread finishes the operation (history record,
     * Finished event) a moment before it hands the result to the job, and in that window the job still says RUNNING.
     * Observed from a listener, which runs in exactly that window.
     */
    @Test
    void aJobReportsItsEndOnlyOnceItsResultIsThere() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        java.util.concurrent.atomic.AtomicReference<Job<BackupResult>> job = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch submitted = new CountDownLatch(1);
        java.util.concurrent.CompletableFuture<String> seenAtFinish = new java.util.concurrent.CompletableFuture<>();
        BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(tmp.resolve("backups"))).files(media)
                .listener(event -> {
                    if (event instanceof io.backupkit.api.BackupEvent.Finished) {
                        try {
                            submitted.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        Job<BackupResult> j = job.get();
                        seenAtFinish.complete(j.status() + " result done=" + j.result().isDone());
                    }
                }).build();
        try (engine) {
            job.set(engine.startBackup(BackupRequest.of(BackupType.FILES)));
            submitted.countDown();
            assertThat(seenAtFinish.get(30, TimeUnit.SECONDS)).isEqualTo("RUNNING result done=false");
            BackupResult result = job.get().result().get(30, TimeUnit.SECONDS);
            assertThat(job.get().status()).isEqualTo(BackupStatus.COMPLETED);
            assertThat(result.manifest().id()).isNotNull();
        }
    }
}
