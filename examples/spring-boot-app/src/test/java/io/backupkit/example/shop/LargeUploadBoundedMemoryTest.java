package io.backupkit.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Acceptance 3: a 1 GiB backup file uploads through the API into the shop running at {@code -Xmx256m} (its own surefire
 * execution), streamed to storage: the upload succeeds and the heap stays bounded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LargeUploadBoundedMemoryTest {
    static final long SIZE = 1L << 30;
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shop-large-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    BackupEngine engine;
    @Autowired
    ShopProperties shop;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("shop.data-dir", DIR::toString);
        r.add("spring.security.user.password", () -> "admin-secret");
        r.add("backupkit.storage", () -> DIR.resolve("backups").toUri().toString());
        r.add("backupkit.compression.codec", () -> "none");
        r.add("backupkit.web.max-upload-size", () -> "2GB");
    }

    @Test
    void aOneGibibyteUploadStreamsThroughABoundedHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test runs at -Xmx256m").isLessThanOrEqualTo(300L << 20);
        Path picture = shop.uploads().resolve("huge.bin");
        writeNoise(picture, SIZE);
        BackupId id = engine.backup(BackupType.FILES).id();
        Files.delete(picture);
        Path tar = DIR.resolve("huge.tar");
        engine.exportBackup(id, tar);
        engine.delete(id);
        assertThat(Files.size(tar)).isGreaterThan(SIZE);

        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        System.gc();
        long baseline = heapUsed();
        sampler.start();
        HttpResponse<String> r;
        try {
            r = new Api(port, "admin", "admin-secret").upload("/backupkit/api/backups/upload", tar);
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(engine.find(id)).isPresent(); // the import checked every object's size and SHA-256
        System.out.printf("1 GiB upload: heap baseline %d MiB, peak %d MiB (max %d MiB)%n", baseline >> 20,
                peak.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        assertThat(peak.get()).as("heap in use while uploading 1 GiB").isLessThan(200L << 20);
        engine.delete(id);
        Files.delete(tar);
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    private static void writeNoise(Path file, long size) throws IOException {
        byte[] block = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(42);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8; j++) {
                        block[i + j] = (byte) (v >>> (j * 8));
                    }
                }
                out.write(block);
            }
        }
    }
}
