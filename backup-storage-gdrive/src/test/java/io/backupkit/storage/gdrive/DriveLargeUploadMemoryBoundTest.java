package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.ContentSource;
import io.backupkit.storage.gdrive.FakeDriveServer.DropFault;
import io.backupkit.storage.gdrive.FakeDriveServer.LoggedRequest;
import io.backupkit.testkit.SeededContent;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, acceptance 2 and 6: a 300 MB upload whose connection drops in the middle of a chunk resumes from the
 * offset the server reports and reads back identical, in a JVM of at most 256 MiB heap. Runs in its own surefire
 * execution with -Xmx256m (see this module's pom). The bytes are generated and hashed as they stream; the fake
 * server keeps them on disk.
 */
class DriveLargeUploadMemoryBoundTest {
    private static final long SIZE = 300L * 1000 * 1000;
    private static final int CHUNK = 8 * 1024 * 1024;
    private static final long SEED = 300;

    @TempDir
    Path dir;

    @Test
    void a300MbUploadWithADroppedConnectionResumesAndReadsBackIdenticalInA256MibHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test must run with -Xmx256m").isLessThanOrEqualTo(256L * 1024 * 1024);
        long dropChunkStart = 12L * CHUNK; // the 13th chunk, about 100 MB in
        long keptOfDroppedChunk = 3L * 1024 * 1024 + 12_345;
        try (FakeDrive fake = new FakeDrive(dir)) {
            fake.server.inject(FakeDriveServer.chunkUploadFrom(dropChunkStart), 1, new DropFault(keptOfDroppedChunk));
            try (DriveStorageProvider p = fake.builder(fake.rootFolderId, new io.backupkit.api.RetryPolicy(6, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(100)), CHUNK, 1024 * 1024).build()) {
                long t0 = System.nanoTime();
                p.put("backups/big/db/public.events.zst", SeededContent.source(SEED, SIZE));
                long t1 = System.nanoTime();

                assertThat(p.stat("backups/big/db/public.events.zst")).get().extracting(b -> b.size()).isEqualTo(SIZE);
                try (InputStream in = p.get("backups/big/db/public.events.zst")) {
                    SeededContent.Digest digest = SeededContent.digest(in);
                    assertThat(digest.size()).isEqualTo(SIZE);
                    assertThat(digest.sha256()).isEqualTo(SeededContent.sha256(SEED, SIZE));
                }
                long t2 = System.nanoTime();
                long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                        .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
                System.out.printf("300 MB through the fake Drive: upload %.1f s (with one dropped connection), download+hash %.1f s, "
                        + "peak heap %d MiB of %d MiB%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, peakHeap >> 20, Runtime.getRuntime().maxMemory() >> 20);
            }
            List<LoggedRequest> puts = fake.server.requests(r -> r.method().equals("PUT"));
            int dropped = -1;
            for (int i = 0; i < puts.size(); i++) {
                if (puts.get(i).status() == -1) {
                    dropped = i;
                }
            }
            assertThat(dropped).as("a chunk was dropped").isPositive();
            assertThat(puts.get(dropped).contentRange()).startsWith("bytes " + dropChunkStart + "-" + (dropChunkStart + CHUNK - 1) + "/" + SIZE);
            LoggedRequest query = puts.get(dropped + 1);
            assertThat(query.contentRange()).isEqualTo("bytes */" + SIZE);
            assertThat(query.status()).isEqualTo(308);
            long resumedAt = dropChunkStart + keptOfDroppedChunk;
            assertThat(query.note()).endsWith("range 0-" + (resumedAt - 1));
            assertThat(puts.get(dropped + 2).contentRange()).startsWith("bytes " + resumedAt + "-");
            long chunkRequests = puts.stream().filter(LoggedRequest::isChunk).count();
            assertThat(chunkRequests).isEqualTo((SIZE + CHUNK - 1) / CHUNK + 1); // one more than the plain count: the drop
            assertThat(puts.stream().filter(LoggedRequest::isChunk).filter(r -> r.status() != -1).mapToLong(LoggedRequest::bodyBytes).sum())
                    .isEqualTo(SIZE - keptOfDroppedChunk);
        }
    }

}
