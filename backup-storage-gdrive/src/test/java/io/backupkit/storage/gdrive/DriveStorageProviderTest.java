package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.Drive;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.UserCredentials;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.storage.gdrive.FakeDriveServer.DropFault;
import io.backupkit.storage.gdrive.FakeDriveServer.DropResponseFault;
import io.backupkit.storage.gdrive.FakeDriveServer.ErrorFault;
import io.backupkit.storage.gdrive.FakeDriveServer.FakeFile;
import io.backupkit.storage.gdrive.FakeDriveServer.LoggedRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drive-specific behaviour through the real Google client against {@link FakeDriveServer}. */
class DriveStorageProviderTest {
    private static final int KIB = 1024;
    private static final int CHUNK = 256 * KIB;

    @TempDir
    Path dir;
    FakeDrive fake;
    FakeDriveServer server;

    @BeforeEach
    void start() {
        fake = new FakeDrive(dir.resolve("server"));
        server = fake.server;
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private String folderId(String name) {
        return folderIdIn(fake.rootFolderId, name);
    }

    private String folderIdIn(String parent, String name) {
        return server.children(parent).stream().filter(f -> f.isFolder() && f.name().equals(name)).findFirst().orElseThrow().id();
    }

    private void deleteOnServer(String id) {
        server.removeDirectly(id);
    }

    private List<LoggedRequest> chunks() {
        return server.requests(LoggedRequest::isChunk);
    }

    private static long rangeStart(String contentRange) {
        Matcher m = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)").matcher(contentRange);
        assertThat(m.matches()).as(contentRange).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Nested
    class SeveralFilesWithOneName {
        @Test
        void overwritingAKeyTwiceLeavesExactlyOneFileWithTheLastContent() throws IOException {
            try (DriveStorageProvider p = fake.provider()) {
                byte[] small = bytes(1000, 1);
                byte[] large = bytes(3 * CHUNK + 17, 2);
                byte[] last = bytes(2 * CHUNK, 3);
                p.put("db/table.zst", ContentSource.of(small));
                p.put("db/table.zst", ContentSource.of(large));
                p.put("db/table.zst", ContentSource.of(last));

                assertThat(server.countNamed(folderId("db"), "table.zst")).isEqualTo(1);
                assertThat(read(p.get("db/table.zst"))).isEqualTo(last);
                assertThat(p.list("db/").toList()).extracting(BlobInfo::key, BlobInfo::size)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("db/table.zst", (long) last.length));
            }
        }

        @Test
        void preSeededDuplicatesResolveToTheNewestModifiedTimeThenTheGreatestId() throws IOException {
            String folder = server.createFolder(fake.rootFolderId, "db");
            Instant t = Instant.parse("2026-01-22T02:00:00Z");
            server.seedFile(folder, "a.bin", bytes(10, 1), t);
            String newer = server.seedFile(folder, "a.bin", bytes(20, 2), t.plusSeconds(60));
            server.seedFile(folder, "a.bin", bytes(30, 3), t.minusSeconds(60));
            // Equal modifiedTime: the greater id wins.
            String tie1 = server.seedFile(folder, "b.bin", bytes(40, 4), t);
            String tie2 = server.seedFile(folder, "b.bin", bytes(50, 5), t);
            String winner = tie1.compareTo(tie2) > 0 ? tie1 : tie2;
            byte[] winnerContent = winner.equals(tie1) ? bytes(40, 4) : bytes(50, 5);

            try (DriveStorageProvider p = fake.builder().listPageSize(2).build()) {
                assertThat(read(p.get("db/a.bin"))).isEqualTo(bytes(20, 2));
                assertThat(p.stat("db/a.bin")).get().extracting(BlobInfo::size, BlobInfo::lastModified)
                        .containsExactly(20L, t.plusSeconds(60));
                assertThat(read(p.get("db/b.bin"))).isEqualTo(winnerContent);
                // Each key once, even with the duplicates spread over pages of two.
                assertThat(p.list("").toList()).extracting(BlobInfo::key, BlobInfo::size).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("db/a.bin", 20L),
                        org.assertj.core.groups.Tuple.tuple("db/b.bin", (long) winnerContent.length));
                assertThat(server.countNamed(folder, "a.bin")).isEqualTo(3); // reads change nothing

                p.put("db/a.bin", ContentSource.of(bytes(5, 9)));
                assertThat(server.countNamed(folder, "a.bin")).isEqualTo(1);
                assertThat(server.file(newer)).isEmpty();
                assertThat(read(p.get("db/a.bin"))).isEqualTo(bytes(5, 9));

                p.delete("db/b.bin");
                assertThat(server.countNamed(folder, "b.bin")).isZero();
            }
        }

        @Test
        void keysDifferingOnlyInCaseStayApartAndGoogleDocsAreNoObjects() throws IOException {
            server.compareNamesIgnoringCase(true);
            String folder = server.createFolder(fake.rootFolderId, "d");
            server.seedFile(folder, "notes.txt", new byte[0], Instant.now(), "application/vnd.google-apps.document");
            server.seedFile(folder, "link.bin", new byte[0], Instant.now(), "application/vnd.google-apps.shortcut");
            try (DriveStorageProvider p = fake.provider()) {
                p.put("d/Report.bin", ContentSource.of(bytes(10, 1)));
                p.put("d/report.bin", ContentSource.of(bytes(20, 2)));
                assertThat(read(p.get("d/Report.bin"))).isEqualTo(bytes(10, 1));
                assertThat(read(p.get("d/report.bin"))).isEqualTo(bytes(20, 2));
                assertThat(p.stat("d/notes.txt")).isEmpty();
                assertThat(p.list("d/").map(BlobInfo::key).toList()).containsExactlyInAnyOrder("d/Report.bin", "d/report.bin");
                p.put("d/notes.txt", ContentSource.of(bytes(5, 3)));
                assertThat(read(p.get("d/notes.txt"))).isEqualTo(bytes(5, 3));
                p.delete("d/report.bin");
                assertThat(p.stat("d/Report.bin")).isPresent();
            }
            assertThat(server.children(folder)).extracting(FakeFile::name)
                    .containsExactlyInAnyOrder("notes.txt", "link.bin", "Report.bin", "notes.txt");
        }

        @Test
        void sameNameFoldersResolveToTheOldestOne() throws IOException {
            String older = server.createFolder(fake.rootFolderId, "db");
            String younger = server.createFolder(fake.rootFolderId, "db");
            server.seedFile(older, "kept.bin", bytes(3, 1), Instant.now());
            server.seedFile(younger, "ignored.bin", bytes(3, 2), Instant.now());
            try (DriveStorageProvider p = fake.provider()) {
                assertThat(p.list("").map(BlobInfo::key).toList()).containsExactly("db/kept.bin");
                p.put("db/new.bin", ContentSource.of(bytes(3, 3)));
                assertThat(server.countNamed(older, "new.bin")).isEqualTo(1);
                assertThat(server.countNamed(younger, "new.bin")).isZero();
            }
        }

        @Test
        void concurrentPutsIntoANewFolderCreateItOnce() throws Exception {
            int writers = 8;
            try (DriveStorageProvider p = fake.provider()) {
                CyclicBarrier start = new CyclicBarrier(writers);
                ExecutorService pool = Executors.newFixedThreadPool(writers);
                try {
                    List<Future<?>> results = new ArrayList<>();
                    for (int i = 0; i < writers; i++) {
                        int n = i;
                        results.add(pool.submit(() -> {
                            start.await();
                            p.put("backups/20260122T020000Z-full-7f3a/db/t" + n + ".zst", ContentSource.of(bytes(100, n)));
                            return null;
                        }));
                    }
                    for (Future<?> f : results) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertThat(server.folderNameCounts(fake.rootFolderId)).containsExactly(java.util.Map.entry("backups", 1L));
                String backups = folderId("backups");
                assertThat(server.folderNameCounts(backups)).containsExactly(java.util.Map.entry("20260122T020000Z-full-7f3a", 1L));
                assertThat(p.list("backups/").count()).isEqualTo(writers);
                assertThat(server.requests(r -> r.method().equals("POST") && r.path().equals("/drive/v3/files"))).hasSize(3);
            }
        }

        @Test
        void twoProvidersRacingToCreateTheSameFoldersEndWithOneOfEach() throws Exception {
            int writers = 8;
            try (DriveStorageProvider first = fake.provider(); DriveStorageProvider second = fake.provider()) {
                CyclicBarrier start = new CyclicBarrier(writers);
                ExecutorService pool = Executors.newFixedThreadPool(writers);
                try {
                    List<Future<?>> results = new ArrayList<>();
                    for (int i = 0; i < writers; i++) {
                        int n = i;
                        DriveStorageProvider p = n % 2 == 0 ? first : second;
                        results.add(pool.submit(() -> {
                            start.await();
                            p.put("shared/run/k" + n, ContentSource.of(bytes(10, n)));
                            return null;
                        }));
                    }
                    for (Future<?> f : results) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertThat(server.folderNameCounts(fake.rootFolderId)).containsExactly(java.util.Map.entry("shared", 1L));
                assertThat(server.folderNameCounts(folderId("shared"))).containsExactly(java.util.Map.entry("run", 1L));
                assertThat(first.list("shared/").count()).isEqualTo(writers);
                assertThat(second.list("shared/").count()).isEqualTo(writers);
            }
        }

        @Test
        void aCachedFolderRemovedByAnotherClientIsLookedUpAgain() throws IOException {
            try (DriveStorageProvider p = fake.provider(); DriveStorageProvider other = fake.provider()) {
                p.put("a/b/x.bin", ContentSource.of(bytes(10, 1)));
                other.delete("a/b/x.bin");
                // Another client removes the folders themselves (Drive deletes a folder with its contents).
                String a = folderId("a");
                deleteOnServer(a);
                p.put("a/b/y.bin", ContentSource.of(bytes(10, 2)));
                assertThat(read(p.get("a/b/y.bin"))).isEqualTo(bytes(10, 2));
                assertThat(other.list("a/").map(BlobInfo::key).toList()).containsExactly("a/b/y.bin");
            }
        }

        @Test
        void aPutThatLosesToAConcurrentNewerFileRemovesItsOwn() throws IOException {
            try (DriveStorageProvider p = fake.provider()) {
                p.put("k/x.bin", ContentSource.of(bytes(10, 1)));
                String folder = folderId("k");
                // Another client's put finishes while ours uploads, with a later modifiedTime, and its clean-up ran
                // before our file existed: only our put can remove the surplus file.
                server.beforeUploadCompletes(() -> {
                    server.seedFile(folder, "x.bin", bytes(30, 3), Instant.now().plusSeconds(3600));
                    server.beforeUploadCompletes(() -> { });
                });
                p.put("k/x.bin", ContentSource.of(bytes(CHUNK + 1, 2)));
                assertThat(server.countNamed(folder, "x.bin")).isEqualTo(1);
                assertThat(read(p.get("k/x.bin"))).isEqualTo(bytes(30, 3));
            }
        }

        @Test
        void concurrentPutsToOneKeyEndWithExactlyOneFileHoldingOneWholeValue() throws Exception {
            int writers = 6;
            try (DriveStorageProvider p = fake.provider()) {
                for (int round = 0; round < 4; round++) {
                    String key = "k/same" + round + ".bin";
                    p.put(key, ContentSource.of(bytes(10, 99)));
                    CyclicBarrier start = new CyclicBarrier(writers);
                    ExecutorService pool = Executors.newFixedThreadPool(writers);
                    try {
                        List<Future<?>> results = new ArrayList<>();
                        for (int i = 0; i < writers; i++) {
                            int n = i;
                            // Sizes on both sides of the multipart threshold: different request paths race.
                            results.add(pool.submit(() -> {
                                start.await();
                                p.put(key, ContentSource.of(bytes(n % 2 == 0 ? 1000 * (n + 1) : CHUNK + 1000 * n, n)));
                                return null;
                            }));
                        }
                        for (Future<?> f : results) {
                            f.get();
                        }
                    } finally {
                        pool.shutdownNow();
                    }
                    byte[] stored = read(p.get(key));
                    boolean matchesOne = false;
                    for (int n = 0; n < writers; n++) {
                        matchesOne |= java.util.Arrays.equals(stored, bytes(n % 2 == 0 ? 1000 * (n + 1) : CHUNK + 1000 * n, n));
                    }
                    assertThat(matchesOne).as("the stored value is one writer's, whole").isTrue();
                    assertThat(server.countNamed(folderId("k"), "same" + round + ".bin")).as("files named like the key").isEqualTo(1);
                }
            }
        }
    }

    @Nested
    class Uploads {
        @Test
        void smallObjectsTakeOneMultipartRequestAndLargerOnesAResumableSession() throws IOException {
            try (DriveStorageProvider p = fake.provider()) {
                p.put("s.bin", ContentSource.of(bytes(64 * KIB, 1)));
                p.put("l.bin", ContentSource.of(bytes(64 * KIB + 1, 2)));
                List<LoggedRequest> uploads = server.requests(r -> r.path().startsWith("/upload/") && r.method().equals("POST"));
                assertThat(uploads).extracting(r -> r.query().get("uploadType")).containsExactly("multipart", "resumable");
                assertThat(chunks()).extracting(LoggedRequest::contentRange).containsExactly("bytes 0-65536/65537");
            }
        }

        @Test
        void chunksFollowTheConfiguredSizeAndNoRequestBodyIsGzipped() throws IOException {
            try (DriveStorageProvider p = fake.builderWithChunks(2 * CHUNK).build()) {
                byte[] data = bytes(5 * CHUNK + 3, 7);
                p.put("a/b/c.bin", ContentSource.of(data));
                p.put("a/b/c.bin", ContentSource.of(bytes(10, 1)));
                p.delete("a/b/c.bin");
                assertThat(chunks()).extracting(LoggedRequest::contentRange).containsExactly(
                        "bytes 0-524287/1310723", "bytes 524288-1048575/1310723", "bytes 1048576-1310722/1310723");
                assertThat(server.requests()).allSatisfy(r -> assertThat(r.contentEncoding()).as(r.toString()).isNull());
            }
        }

        @Test
        void aLocationOnResumeIncompleteIsTheSessionUrlNotARedirect() throws IOException {
            server.sendLocationWithResumeIncomplete(true);
            byte[] data = bytes(3 * CHUNK + 5, 11);
            try (DriveStorageProvider p = fake.provider()) {
                p.put("loc.bin", ContentSource.of(data));
                assertThat(read(p.get("loc.bin"))).isEqualTo(data);
            }
            assertThat(chunks()).extracting(LoggedRequest::contentRange).containsExactly(
                    "bytes 0-262143/786437", "bytes 262144-524287/786437", "bytes 524288-786431/786437", "bytes 786432-786436/786437");
        }

        @Test
        void aStreamOfUnknownLengthIsSentWithAStarTotalUntilItsLastChunk() throws IOException {
            byte[] data = bytes(3 * CHUNK + 5, 3);
            try (DriveStorageProvider p = fake.provider()) {
                p.put("stream.bin", ContentSource.once(new ByteArrayInputStream(data)));
                assertThat(chunks()).extracting(LoggedRequest::contentRange).containsExactly(
                        "bytes 0-262143/*", "bytes 262144-524287/*", "bytes 524288-786431/*", "bytes 786432-786436/786437");
                // The last chunk, which first names the total, completes the upload: no failure, no status query.
                assertThat(chunks()).extracting(LoggedRequest::status).containsExactly(308, 308, 308, 200);
                assertThat(server.requests(LoggedRequest::isStatusQuery)).isEmpty();
                assertThat(read(p.get("stream.bin"))).isEqualTo(data);
            }
        }

        @Test
        void anUnknownLengthStreamThatEndsOnAChunkBoundaryIsComplete() throws IOException {
            byte[] data = bytes(2 * CHUNK, 4);
            try (DriveStorageProvider p = fake.provider()) {
                p.put("even.bin", ContentSource.once(new ByteArrayInputStream(data)));
                assertThat(read(p.get("even.bin"))).isEqualTo(data);
                assertThat(server.openUploadSessions()).isZero();
            }
        }

        @Test
        void aChunkInterruptedByADroppedConnectionResumesFromTheOffsetTheServerReports() throws IOException {
            byte[] data = bytes(8 * CHUNK + 99, 5);
            server.inject(FakeDriveServer.chunkUploadFrom(3L * CHUNK), 1, new DropFault(100_000));
            try (DriveStorageProvider p = fake.provider()) {
                p.put("big.bin", ContentSource.of(data));
                assertThat(read(p.get("big.bin"))).isEqualTo(data);
            }
            List<LoggedRequest> puts = server.requests(r -> r.method().equals("PUT"));
            int dropped = indexOf(puts, r -> r.status() == -1);
            assertThat(puts.get(dropped).contentRange()).startsWith("bytes " + 3 * CHUNK + "-");
            LoggedRequest query = puts.get(dropped + 1);
            assertThat(query.isStatusQuery()).isTrue();
            assertThat(query.contentRange()).isEqualTo("bytes */" + data.length);
            assertThat(query.status()).isEqualTo(308);
            long resumedAt = 3L * CHUNK + 100_000;
            assertThat(query.note()).contains("range 0-" + (resumedAt - 1));
            assertThat(rangeStart(puts.get(dropped + 2).contentRange())).isEqualTo(resumedAt);
            // Nothing was sent twice: the chunks after the drop cover the rest exactly once.
            assertThat(puts.stream().filter(LoggedRequest::isChunk).filter(r -> r.status() != -1).mapToLong(LoggedRequest::bodyBytes).sum())
                    .isEqualTo(data.length - 100_000);
        }

        @Test
        void aDroppedConnectionInAStreamOfUnknownLengthResumesToo() throws IOException {
            byte[] data = bytes(4 * CHUNK + 1234, 6);
            server.inject(FakeDriveServer.chunkUploadFrom(CHUNK), 1, new DropFault(12_345));
            try (DriveStorageProvider p = fake.provider()) {
                p.put("s.bin", ContentSource.once(new ByteArrayInputStream(data)));
                assertThat(read(p.get("s.bin"))).isEqualTo(data);
            }
            List<LoggedRequest> puts = server.requests(r -> r.method().equals("PUT"));
            int dropped = indexOf(puts, r -> r.status() == -1);
            assertThat(puts.get(dropped + 1).contentRange()).isEqualTo("bytes */*");
            assertThat(rangeStart(puts.get(dropped + 2).contentRange())).isEqualTo(CHUNK + 12_345L);
        }

        @Test
        void aFailingSourceFailsThePutAtOnceAndLeavesTheOldObject() throws IOException {
            try (DriveStorageProvider p = fake.provider()) {
                p.put("k.bin", ContentSource.of(bytes(10, 1)));
                InputStream failing = new InputStream() {
                    int served;

                    @Override
                    public int read() throws IOException {
                        if (served++ >= 3 * CHUNK + 10) {
                            throw new IOException("disk read error");
                        }
                        return 7;
                    }
                };
                StorageException e = catchThrowableOfType(StorageException.class,
                        () -> p.put("k.bin", ContentSource.once(failing, OptionalLong.of(10L * CHUNK))));
                assertThat(e).hasMessageContaining("k.bin").hasMessageContaining("disk read error");
                assertThat(e.retryable()).isFalse();
                assertThat(read(p.get("k.bin"))).isEqualTo(bytes(10, 1));
                assertThat(server.requests(LoggedRequest::isStatusQuery)).isEmpty(); // not retried as a network failure
            }
        }

        @Test
        void aSourceShorterOrLongerThanItsDeclaredLengthStoresNothing() {
            try (DriveStorageProvider p = fake.provider()) {
                assertThatThrownBy(() -> p.put("short.bin", ContentSource.once(new ByteArrayInputStream(bytes(CHUNK + 5, 1)), OptionalLong.of(2L * CHUNK))))
                        .isInstanceOf(StorageException.class).hasMessageContaining("ended after");
                assertThatThrownBy(() -> p.put("long.bin", ContentSource.once(new ByteArrayInputStream(bytes(CHUNK + 5, 1)), OptionalLong.of(CHUNK))))
                        .isInstanceOf(StorageException.class).hasMessageContaining("longer than");
                assertThatThrownBy(() -> p.put("tiny.bin", ContentSource.once(new ByteArrayInputStream(bytes(11, 1)), OptionalLong.of(10))))
                        .isInstanceOf(StorageException.class).hasMessageContaining("longer than");
                assertThat(p.list("").toList()).isEmpty();
            }
        }
    }

    @Nested
    class Downloads {
        @Test
        void rangedReadsSendARangeHeader() throws IOException {
            byte[] data = bytes(100_000, 1);
            try (DriveStorageProvider p = fake.provider()) {
                p.put("r.bin", ContentSource.of(data));
                assertThat(read(p.get("r.bin", ByteRange.of(1000, 50)))).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 1050));
                assertThat(read(p.get("r.bin", ByteRange.from(99_990)))).isEqualTo(java.util.Arrays.copyOfRange(data, 99_990, 100_000));
                assertThat(server.requests(r -> r.note().startsWith("media"))).extracting(LoggedRequest::range)
                        .containsExactly("bytes=1000-1049", "bytes=99990-99999");
            }
        }

        @Test
        void aDownloadBrokenInTheMiddleContinuesFromWhereItStopped() throws IOException {
            byte[] data = bytes(600_000, 2);
            try (DriveStorageProvider p = fake.provider()) {
                p.put("d.bin", ContentSource.of(data));
                server.inject(FakeDriveServer.downloads(), 1, new DropResponseFault(123_456));
                assertThat(read(p.get("d.bin"))).isEqualTo(data);
                assertThat(server.requests(r -> r.note().startsWith("media"))).extracting(LoggedRequest::range)
                        .containsExactly(null, "bytes=123456-599999");
            }
        }
    }

    @Nested
    class RetriesAndErrors {
        @Test
        void stormsOf429And500AndRateLimitsAreRetriedWithBackoffAndSucceed() throws IOException {
            byte[] data = bytes(4 * CHUNK + 1, 3);
            server.inject(FakeDriveServer.listRequests(), 3, new ErrorFault(429, "rateLimitExceeded", "Rate Limit Exceeded"));
            server.inject(FakeDriveServer.uploadInitiations(), 2, new ErrorFault(403, "userRateLimitExceeded", "User Rate Limit Exceeded"));
            server.inject(FakeDriveServer.chunkUploadFrom(CHUNK), 3, new ErrorFault(500, "backendError", "Backend Error"));
            server.inject(FakeDriveServer.chunkUploadFrom(3L * CHUNK), 2, new ErrorFault(503, "backendError", "Service Unavailable"));
            server.inject(FakeDriveServer.downloads(), 2, new ErrorFault(403, "rateLimitExceeded", "Rate Limit Exceeded"));
            try (DriveStorageProvider p = fake.provider()) {
                p.put("storm/x.bin", ContentSource.of(data));
                assertThat(read(p.get("storm/x.bin"))).isEqualTo(data);
            }
            List<LoggedRequest> log = server.requests();
            assertThat(log).filteredOn(r -> r.status() == 429).hasSize(3);
            assertThat(log).filteredOn(r -> r.status() == 500).hasSize(3);
            assertThat(log).filteredOn(r -> r.status() == 503).hasSize(2);
            assertThat(log).filteredOn(r -> r.status() == 403).hasSize(4);
            // After a failed chunk the client asks where the server is before sending more.
            List<LoggedRequest> puts = server.requests(r -> r.method().equals("PUT"));
            for (int i = 0; i < puts.size(); i++) {
                if (puts.get(i).status() >= 500) {
                    assertThat(puts.get(i + 1).isStatusQuery()).as("request after " + puts.get(i)).isTrue();
                }
            }
            assertThat(server.countNamed(folderId("storm"), "x.bin")).isEqualTo(1);
        }

        @Test
        void persistentServerErrorsFailAsRetryableAfterMaxAttemptsRequestsCountingTheFirst() {
            server.inject(FakeDriveServer.listRequests(), 100, new ErrorFault(500, "backendError", "Backend Error"));
            // maxAttempts means what it means for S3 (S3RetriesTest) and the engine's wrapper: 4 requests in all.
            try (DriveStorageProvider p = fake.builder(new io.backupkit.api.RetryPolicy(4, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5))).build()) {
                assertThat(p.internalRetries()).as("so the engine's wrapper adds none").isEqualTo(StorageProvider.InternalRetries.ALL);
                StorageException e = catchThrowableOfType(StorageException.class, () -> p.stat("a/b"));
                assertThat(e.retryable()).isTrue();
                assertThat(e).hasMessageContaining("'a/b'").hasMessageContaining("500").hasMessageContaining("Backend Error");
            }
            assertThat(server.requests(r -> r.status() == 500)).hasSize(4);
        }

        @Test
        void aServiceAccountWithoutQuotaFailsFastWithTheExplanationAndTheFix() {
            Path key = ServiceAccountKeys.serviceAccountKeyFile(server, dir, "backup@proj.iam.gserviceaccount.com", false);
            try (DriveStorageProvider p = fake.baseBuilder().credentialsFile(key).build()) {
                StorageException e = catchThrowableOfType(StorageException.class, () -> p.put("db/t.zst", ContentSource.of(bytes(CHUNK * 2, 1))));
                assertThat(e.retryable()).isFalse();
                assertThat(e).hasMessageContaining("db/t.zst").hasMessageContaining("storageQuotaExceeded")
                        .hasMessageContaining("service accounts have no Drive storage quota")
                        .hasMessageContaining("shared drive").hasMessageContaining("OAuth user credentials");
            }
            assertThat(server.requests(r -> r.status() == 403)).hasSize(1); // not retried
            assertThat(server.requests(FakeDriveServer.LoggedRequest::isChunk)).isEmpty();
        }

        @Test
        void aFolderSharedReadOnlyGivesAPermissionMessage() {
            server.makeReadOnly(fake.rootFolderId);
            try (DriveStorageProvider p = fake.provider()) {
                StorageException e = catchThrowableOfType(StorageException.class, () -> p.put("x.bin", ContentSource.of(bytes(10, 1))));
                assertThat(e.retryable()).isFalse();
                assertThat(e).hasMessageContaining("permission denied").hasMessageContaining("Share the root folder");
            }
        }

        @Test
        void aQuotaErrorForAUserIsNotRetriedEither() {
            server.inject(FakeDriveServer.uploadInitiations(), 10, new ErrorFault(403, "storageQuotaExceeded", "The user's Drive storage quota has been exceeded."));
            try (DriveStorageProvider p = fake.provider()) {
                assertThatThrownBy(() -> p.put("x.bin", ContentSource.of(bytes(10, 1))))
                        .isInstanceOf(StorageException.class).hasMessageContaining("free space");
            }
            assertThat(server.requests(r -> r.status() == 403)).hasSize(1);
        }

        @Test
        void aRevokedRefreshTokenSaysTheTokenMustBeRenewed() {
            server.revokeRefreshToken(FakeDrive.REFRESH_TOKEN);
            try (DriveStorageProvider p = fake.provider()) {
                StorageException e = catchThrowableOfType(StorageException.class, () -> p.put("x.bin", ContentSource.of(bytes(10, 1))));
                assertThat(e.retryable()).isFalse();
                assertThat(e).hasMessageContaining("invalid_grant").hasMessageContaining("must be renewed")
                        .hasMessageNotContaining(FakeDrive.REFRESH_TOKEN).hasMessageNotContaining(FakeDrive.CLIENT_SECRET);
            }
            assertThat(server.requests(r -> r.path().startsWith("/drive") || r.path().startsWith("/upload"))).isEmpty();
        }

        @Test
        void anExpiredAccessTokenIsRefreshedAndARevokedOneAfterwardsGivesTheRenewalMessage() throws IOException {
            try (DriveStorageProvider p = fake.provider()) {
                p.put("x.bin", ContentSource.of(bytes(10, 1)));
                server.expireAccessTokens();
                assertThat(read(p.get("x.bin"))).isEqualTo(bytes(10, 1));
                assertThat(server.tokensIssued()).isEqualTo(2);

                server.expireAccessTokens();
                server.revokeRefreshToken(FakeDrive.REFRESH_TOKEN);
                assertThatThrownBy(() -> p.get("x.bin")).isInstanceOf(StorageException.class).hasMessageContaining("must be renewed");
            }
        }

        @Test
        void secretsAppearInNoMessageAndNoLogLine() {
            PrintStream original = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String messages;
            try (DriveStorageProvider p = fake.provider()) {
                server.inject(FakeDriveServer.listRequests(), 2, new ErrorFault(500, "backendError", "Backend Error"));
                p.put("x.bin", ContentSource.of(bytes(10, 1)));
                server.expireAccessTokens();
                server.revokeRefreshToken(FakeDrive.REFRESH_TOKEN);
                StorageException e = catchThrowableOfType(StorageException.class, () -> p.stat("x.bin"));
                StringBuilder all = new StringBuilder(p.description()).append(p);
                for (Throwable t = e; t != null; t = t.getCause()) {
                    all.append(t);
                }
                messages = all.toString();
            } finally {
                System.setErr(original);
            }
            String logged = captured.toString(StandardCharsets.UTF_8);
            assertThat(logged).as("the retries were logged").contains("retry 1 of");
            for (String secret : List.of(FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN, "ya29.")) {
                assertThat(messages).doesNotContain(secret);
                assertThat(logged).doesNotContain(secret);
            }
        }
    }

    @Nested
    class CredentialsAndDrives {
        @Test
        void aServiceAccountOnASharedDriveStoresListsAndReads() throws IOException {
            String sharedDrive = server.createSharedDrive("Backups");
            String root = server.createFolder(sharedDrive, "app");
            Path key = ServiceAccountKeys.serviceAccountKeyFile(server, dir, "backup@proj.iam.gserviceaccount.com", false);
            try (DriveStorageProvider p = fake.baseBuilderIn(root).credentialsFile(key)
                    .driveId(sharedDrive).build()) {
                byte[] data = bytes(3 * CHUNK, 8);
                p.put("b/one.bin", ContentSource.of(data));
                assertThat(read(p.get("b/one.bin"))).isEqualTo(data);
                assertThat(p.list("").map(BlobInfo::key).toList()).containsExactly("b/one.bin");
                p.delete("b/one.bin");
                assertThat(p.stat("b/one.bin")).isEmpty();
            }
            assertThat(server.requests(FakeDriveServer.LoggedRequest::isChunk)).isNotEmpty();
            assertThat(server.requests(r -> r.path().equals("/drive/v3/files") && r.method().equals("GET")))
                    .allSatisfy(r -> assertThat(r.query()).containsEntry("corpora", "drive").containsEntry("driveId", sharedDrive));
        }

        @Test
        void theSharedDriveOfTheRootFolderIsFoundWhenNotConfigured() throws IOException {
            String sharedDrive = server.createSharedDrive("Backups");
            String root = server.createFolder(sharedDrive, "app");
            Path key = ServiceAccountKeys.serviceAccountKeyFile(server, dir, "backup@proj.iam.gserviceaccount.com", false);
            try (DriveStorageProvider p = fake.baseBuilderIn(root).credentialsFile(key).build()) {
                p.put("b/one.bin", ContentSource.of(bytes(10, 1)));
                p.put("b/one.bin", ContentSource.of(bytes(20, 2)));
                assertThat(p.list("").map(BlobInfo::key).toList()).containsExactly("b/one.bin");
                assertThat(read(p.get("b/one.bin"))).isEqualTo(bytes(20, 2));
            }
            assertThat(server.filePathsBelow(root)).containsExactly("b/one.bin");
            assertThat(server.requests(r -> r.path().equals("/drive/v3/files/" + root))).hasSize(1);
            assertThat(server.requests(r -> r.path().equals("/drive/v3/files") && r.method().equals("GET")))
                    .allSatisfy(r -> assertThat(r.query()).containsEntry("driveId", sharedDrive));
        }

        @Test
        void aServiceAccountImpersonatingAUserWritesWithThatUsersQuota() throws IOException {
            Path key = ServiceAccountKeys.serviceAccountKeyFile(server, dir, "dwd@proj.iam.gserviceaccount.com", true);
            try (DriveStorageProvider p = fake.baseBuilder().credentialsFile(key)
                    .impersonate("owner@example.com").build()) {
                p.put("x.bin", ContentSource.of(bytes(CHUNK + 1, 1)));
                assertThat(read(p.get("x.bin"))).isEqualTo(bytes(CHUNK + 1, 1));
            }
        }

        @Test
        void userCredentialsFromAnAuthorizedUserFileWork() throws IOException {
            Path file = ServiceAccountKeys.userCredentialsFile(dir, FakeDrive.CLIENT_ID, FakeDrive.CLIENT_SECRET, FakeDrive.REFRESH_TOKEN);
            try (DriveStorageProvider p = fake.baseBuilder().credentialsFile(file).build()) {
                p.put("x.bin", ContentSource.of(bytes(10, 1)));
                assertThat(p.stat("x.bin")).isPresent();
            }
        }

        @Test
        void anExistingDriveClientIsUsedWithRetriesAddedAroundItsCredentials() throws IOException {
            NetHttpTransport transport = new NetHttpTransport();
            UserCredentials credentials = UserCredentials.newBuilder().setClientId(FakeDrive.CLIENT_ID).setClientSecret(FakeDrive.CLIENT_SECRET)
                    .setRefreshToken(FakeDrive.REFRESH_TOKEN).setTokenServerUri(server.tokenUri()).setHttpTransportFactory(() -> transport).build();
            Drive drive = new Drive.Builder(transport, GsonFactory.getDefaultInstance(), new HttpCredentialsAdapter(credentials))
                    .setRootUrl(server.rootUrl()).setApplicationName("host-app").build();
            server.inject(FakeDriveServer.listRequests(), 2, new ErrorFault(429, "rateLimitExceeded", "Rate Limit Exceeded"));
            try (DriveStorageProvider p = DriveStorageProvider.builder().rootFolderId(fake.rootFolderId).drive(drive)
                    .retries(new io.backupkit.api.RetryPolicy(5, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5))).build()) {
                p.put("x.bin", ContentSource.of(bytes(10, 1)));
                server.expireAccessTokens();
                assertThat(read(p.get("x.bin"))).isEqualTo(bytes(10, 1));
            }
            assertThat(server.tokensIssued()).isEqualTo(2);
        }

        @Test
        void existingGoogleCredentialsArePassedThrough() throws IOException {
            UserCredentials credentials = UserCredentials.newBuilder().setClientId(FakeDrive.CLIENT_ID).setClientSecret(FakeDrive.CLIENT_SECRET)
                    .setRefreshToken(FakeDrive.REFRESH_TOKEN).setTokenServerUri(server.tokenUri()).build();
            try (DriveStorageProvider p = fake.baseBuilder().credentials(credentials).build()) {
                p.put("x.bin", ContentSource.of(bytes(10, 1)));
                assertThat(p.list("").count()).isEqualTo(1);
            }
        }

        @Test
        void deleteToTrashMovesTheFileToTheTrash() throws IOException {
            try (DriveStorageProvider p = fake.builder().deleteToTrash(true).build()) {
                p.put("t/x.bin", ContentSource.of(bytes(10, 1)));
                p.delete("t/x.bin");
                assertThat(p.stat("t/x.bin")).isEmpty();
                assertThatThrownBy(() -> p.get("t/x.bin")).isInstanceOf(BlobNotFoundException.class);
                List<FakeFile> all = server.childrenIncludingTrashed(folderId("t"));
                assertThat(all).hasSize(1);
                assertThat(all.get(0).trashed()).isTrue();
            }
        }

        @Test
        void aBasePathKeepsKeysBelowItAndReadsCreateNoFolders() throws IOException {
            try (DriveStorageProvider p = fake.builder().basePath("apps/shop").build()) {
                assertThat(p.stat("x/y.bin")).isEmpty();
                assertThat(p.list("x/").toList()).isEmpty();
                assertThat(server.children(fake.rootFolderId)).isEmpty();
                p.put("x/y.bin", ContentSource.of(bytes(10, 1)));
                assertThat(p.list("").map(BlobInfo::key).toList()).containsExactly("x/y.bin");
                assertThat(p.description()).isEqualTo("gdrive://" + fake.rootFolderId + "/apps/shop");
            }
            String apps = folderId("apps");
            String shop = folderIdIn(apps, "shop");
            assertThat(server.countNamed(folderIdIn(shop, "x"), "y.bin")).isEqualTo(1);
        }

        @Test
        void aMissingCredentialIsAConfigurationError() {
            assertThatThrownBy(() -> DriveStorageProvider.builder().rootFolderId("abc").build())
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("credentials");
            assertThatThrownBy(() -> fake.builderWithChunks(200_000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 256 KiB");
            try (DriveStorageProvider p = fake.builderWithChunks(300_000).build()) {
                assertThat(p.chunkSize()).as("rounded down to Drive's 256 KiB granularity").isEqualTo(262_144);
            }
            assertThatThrownBy(() -> fake.builder().retries(io.backupkit.api.RetryPolicy.DEFAULT))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("retries were already set");
            // issue 14: a bad argument fails at its setter (it was a ConfigurationException from build())
            assertThatThrownBy(() -> DriveStorageProvider.builder().rootFolderId("a/b"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("folder id");
        }
    }

    private static <T> int indexOf(List<T> list, java.util.function.Predicate<T> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no matching element in " + list);
    }
}
