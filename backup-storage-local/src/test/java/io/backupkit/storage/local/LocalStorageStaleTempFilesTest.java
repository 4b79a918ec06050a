package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary files of puts whose process was killed are removed as {@code list} passes them, and the folders they
 * leave empty are pruned; a put that may still finish is never touched.
 */
class LocalStorageStaleTempFilesTest {
    private static final String RANDOM = "0123456789abcdef";

    @TempDir
    Path root;

    @Test
    void tempFileOfAProcessThatEndedIsRemovedOnListWithTheFoldersItLeavesEmpty() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        storage.put("backups/done/manifest.json", ContentSource.of(bytes("m")));
        long pid;
        Instant started;
        try (ChildProcess child = ChildProcess.start()) {
            pid = child.pid();
            started = child.startedAt();
            child.end();
        }
        Path killedPut = writeTemp(root.resolve("backups/killed/files"), PutTempFiles.thisHost(), pid, started);
        Path killedManifest = writeTemp(root.resolve("backups/done"), PutTempFiles.thisHost(), pid, started);

        assertThat(keys(storage, "backups/")).containsExactly("backups/done/manifest.json");

        assertThat(killedPut).doesNotExist();
        assertThat(killedManifest).doesNotExist();
        assertThat(root.resolve("backups/killed")).doesNotExist();
        assertThat(root.resolve("backups/done/manifest.json")).isRegularFile();
        HiddenFiles.assertNone(root);
    }

    @Test
    void pruningStopsAtTheRoot() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root.resolve("store"));
        long pid;
        Instant started;
        try (ChildProcess child = ChildProcess.start()) {
            pid = child.pid();
            started = child.startedAt();
            child.end();
        }
        writeTemp(root.resolve("store"), PutTempFiles.thisHost(), pid, started);
        writeTemp(root.resolve("store/a/b"), PutTempFiles.thisHost(), pid, started);
        assertThat(keys(storage, "")).isEmpty();
        try (Stream<Path> left = Files.list(root.resolve("store"))) {
            assertThat(left).isEmpty();
        }
        assertThat(root.resolve("store")).isDirectory();
    }

    @Test
    void tempFileOfARunningProcessIsKeptUntilThatProcessEnds() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        try (ChildProcess child = ChildProcess.start()) {
            Path live = writeTemp(root.resolve("backups/live/files"), PutTempFiles.thisHost(), child.pid(), child.startedAt());
            Path liveUnknownStart = root.resolve("backups/live/" + PutTempFiles.name(PutTempFiles.thisHost(), child.pid(), "x", RANDOM));
            Files.writeString(liveUnknownStart, "partial");

            assertThat(keys(storage, "backups/")).isEmpty();
            assertThat(live).isRegularFile();
            assertThat(liveUnknownStart).isRegularFile();

            child.end();
            assertThat(keys(storage, "backups/")).isEmpty();
            assertThat(live).doesNotExist();
            assertThat(liveUnknownStart).doesNotExist();
            assertThat(root.resolve("backups")).doesNotExist();
        }
    }

    @Test
    void tempFileWhoseProcessIdNowBelongsToALaterProcessIsRemoved() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        try (ChildProcess child = ChildProcess.start()) {
            // The writer had this id an hour before the running process with it started: the writer has ended.
            Path reused = writeTemp(root.resolve("backups/old"), PutTempFiles.thisHost(), child.pid(),
                    child.startedAt().minus(Duration.ofHours(1)));
            assertThat(keys(storage, "backups/")).isEmpty();
            assertThat(reused).doesNotExist();
            assertThat(child.isAlive()).isTrue();
        }
    }

    @Test
    void tempFilesOfThisProcessAreKept() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        Path mine = root.resolve("backups/mine/" + PutTempFiles.newName());
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "partial");
        Files.setLastModifiedTime(mine, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        assertThat(keys(storage, "")).isEmpty();
        assertThat(mine).isRegularFile();
    }

    @Test
    void tempFileOfAnEarlierProcessWithThisProcesssIdIsRemoved() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        ProcessHandle self = ProcessHandle.current();
        Instant started = self.info().startInstant().orElseThrow();
        Path earlier = writeTemp(root.resolve("backups/earlier"), PutTempFiles.thisHost(), self.pid(),
                started.minus(Duration.ofHours(1)));
        Path mine = writeTemp(root.resolve("backups/mine"), PutTempFiles.thisHost(), self.pid(), started);
        assertThat(keys(storage, "backups/")).isEmpty();
        assertThat(earlier).doesNotExist();
        assertThat(mine).isRegularFile();
    }

    @Test
    void aPutInProgressInThisProcessIsNotDisturbedByList() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InputStream content = new InputStream() {
            private int reads;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (reads++ == 0) {
                    b[off] = 'x';
                    return 1;
                }
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                return -1;
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> put = executor.submit(() -> storage.put("backups/running/files/a.tar", ContentSource.once(content)));
            writing.await();
            Path folder = root.resolve("backups/running/files");
            assertThat(hiddenFiles(folder)).hasSize(1);

            assertThat(keys(storage, "backups/")).isEmpty();
            assertThat(hiddenFiles(folder)).hasSize(1);

            release.countDown();
            put.get();
            assertThat(keys(storage, "backups/")).containsExactly("backups/running/files/a.tar");
            HiddenFiles.assertNone(root);
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void tempFileOfAnotherHostIsRemovedOnlyAfterTheGracePeriod() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        String otherHost = PutTempFiles.thisHost().equals("00000000") ? "11111111" : "00000000";
        Path old = writeTemp(root.resolve("backups/a/files"), otherHost, 4242, Instant.now().minus(Duration.ofDays(2)));
        Path recent = writeTemp(root.resolve("backups/b/files"), otherHost, 4243, Instant.now());
        Path oldUnparseable = root.resolve("backups/c/.put-fedcba9876543210.tmp"); // name of an earlier version
        Files.createDirectories(oldUnparseable.getParent());
        Files.writeString(oldUnparseable, "partial");
        Path overflowing = root.resolve("backups/d/" + PutTempFiles.name(PutTempFiles.thisHost(), 1, "9999999999999999999", RANDOM));
        Files.createDirectories(overflowing.getParent());
        Files.writeString(overflowing, "partial");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(Duration.ofHours(23))));
        Files.setLastModifiedTime(oldUnparseable, FileTime.from(Instant.now().minus(Duration.ofHours(25))));

        assertThat(keys(storage, "backups/")).isEmpty();

        assertThat(old).doesNotExist();
        assertThat(oldUnparseable).doesNotExist();
        assertThat(root.resolve("backups/a")).doesNotExist();
        assertThat(root.resolve("backups/c")).doesNotExist();
        assertThat(recent).isRegularFile();
        assertThat(overflowing).as("a name that does not parse is judged by age").isRegularFile();
    }

    @Test
    void theGracePeriodIsConfigurable() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.builder(root).staleTempGrace(Duration.ofHours(2)).build();
        String otherHost = PutTempFiles.thisHost().equals("00000000") ? "11111111" : "00000000";
        Path threeHours = writeTemp(root.resolve("x"), otherHost, 1, Instant.now());
        Path oneHour = writeTemp(root.resolve("y"), otherHost, 2, Instant.now());
        Files.setLastModifiedTime(threeHours, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        Files.setLastModifiedTime(oneHour, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        assertThat(keys(storage, "")).isEmpty();
        assertThat(threeHours).doesNotExist();
        assertThat(oneHour).isRegularFile();
    }

    @Test
    void aZeroOrNegativeGracePeriodIsRejected() {
        assertThatThrownBy(() -> LocalStorageProvider.builder(root).staleTempGrace(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staleTempGrace must be positive");
        assertThatThrownBy(() -> LocalStorageProvider.builder(root).staleTempGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    @Test
    void otherHiddenFilesAndTheirFoldersAreLeftAlone() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        Path dsStore = root.resolve("backups/x/.DS_Store");
        Files.createDirectories(dsStore.getParent());
        Files.writeString(dsStore, "junk");
        Files.setLastModifiedTime(dsStore, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        Files.createDirectories(root.resolve("backups/empty/left/by/a/kill"));

        assertThat(keys(storage, "backups/")).isEmpty();

        assertThat(dsStore).isRegularFile();
        assertThat(root.resolve("backups/empty")).doesNotExist(); // an empty folder is pruned like after delete
    }

    private static Path writeTemp(Path folder, String host, long pid, Instant writerStart) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(PutTempFiles.name(host, pid, Long.toString(writerStart.toEpochMilli()), RANDOM));
        Files.writeString(file, "partial content");
        return file;
    }

    private static List<Path> hiddenFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".put-")).toList();
        }
    }

    private static List<String> keys(LocalStorageProvider storage, String prefix) {
        try (Stream<BlobInfo> s = storage.list(prefix)) {
            return s.map(BlobInfo::key).sorted().toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
