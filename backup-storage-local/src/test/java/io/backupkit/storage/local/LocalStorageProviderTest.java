package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only local storage does: files on disk, temporary files, folders, permissions. */
class LocalStorageProviderTest {
    @TempDir
    Path temp;

    @Test
    void objectsAreOrdinaryFilesAtTheirKeyPath() throws IOException {
        LocalStorageProvider storage = LocalStorageProvider.at(temp.resolve("store"));
        storage.put("backups/20260122T020000Z-full-7f3a/manifest.json", ContentSource.of(bytes("{}")));
        Path file = temp.resolve("store/backups/20260122T020000Z-full-7f3a/manifest.json");
        assertThat(file).isRegularFile();
        assertThat(Files.readString(file)).isEqualTo("{}");
    }

    @Test
    void rootFolderIsCreatedOnFirstPutNotBefore() {
        Path root = temp.resolve("not/yet/there");
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        assertThat(root).doesNotExist();
        assertThat(storage.list("").count()).isZero();
        assertThat(storage.stat("a")).isEmpty();
        storage.put("a", ContentSource.of(bytes("x")));
        assertThat(root).isDirectory();
        assertThat(storage.root()).isEqualTo(root);
    }

    @Test
    void leftoverTemporaryFilesAreNeverListed() throws IOException {
        LocalStorageProvider storage = LocalStorageProvider.at(temp);
        storage.put("backups/x/db/t.zst", ContentSource.of(bytes("data")));
        // What a crash in the middle of a put leaves behind, and what other tools leave in folders.
        Files.writeString(temp.resolve("backups/x/db/.put-0123456789abcdef.tmp"), "partial");
        Files.writeString(temp.resolve("backups/x/.put-fedcba9876543210.tmp"), "partial");
        Files.writeString(temp.resolve(".DS_Store"), "junk");
        Files.createDirectories(temp.resolve("backups/.trash"));
        Files.writeString(temp.resolve("backups/.trash/old"), "junk");
        Files.writeString(temp.resolve("backups/x/not a valid key.txt"), "junk");
        assertThat(keys(storage, "")).containsExactly("backups/x/db/t.zst");
        assertThat(keys(storage, "backups/x/")).containsExactly("backups/x/db/t.zst");
    }

    @Test
    void failedPutLeavesNoTemporaryFileAndNoEmptyFolder() throws IOException {
        LocalStorageProvider local = LocalStorageProvider.at(temp);
        local.put("keep/me", ContentSource.of(bytes("kept")));
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(local).failPutAfterBytes(300_000).build();
        assertThatThrownBy(() -> storage.put("backups/new/db/big.zst", SeededContent.source(1, 1_000_000)))
                .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.put("keep/me", SeededContent.source(2, 1_000_000)))
                .isInstanceOf(StorageException.class);
        try (Stream<Path> all = Files.walk(temp)) {
            assertThat(all.map(p -> temp.relativize(p).toString().replace('\\', '/')).filter(s -> !s.isEmpty()))
                    .containsExactlyInAnyOrder("keep", "keep/me");
        }
        assertThat(Files.readString(temp.resolve("keep/me"))).isEqualTo("kept");
    }

    @Test
    void deleteRemovesFoldersLeftEmptyButNotTheRootOrFoldersStillInUse() {
        LocalStorageProvider storage = LocalStorageProvider.at(temp.resolve("root"));
        storage.put("backups/one/db/a.zst", ContentSource.of(bytes("a")));
        storage.put("backups/one/manifest.json", ContentSource.of(bytes("m")));
        storage.put("backups/two/manifest.json", ContentSource.of(bytes("m")));
        storage.delete("backups/one/db/a.zst");
        assertThat(temp.resolve("root/backups/one/db")).doesNotExist();
        assertThat(temp.resolve("root/backups/one")).isDirectory();
        storage.delete("backups/one/manifest.json");
        assertThat(temp.resolve("root/backups/one")).doesNotExist();
        assertThat(temp.resolve("root/backups")).isDirectory();
        storage.delete("backups/two/manifest.json");
        assertThat(temp.resolve("root/backups")).doesNotExist();
        assertThat(temp.resolve("root")).isDirectory();
    }

    @Test
    void putsRacingWithDeletesThatEmptyTheirFolderAllSucceed() throws Exception {
        LocalStorageProvider storage = LocalStorageProvider.at(temp);
        int threads = 8;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        String key = "deep/shared/folder/t" + thread + "-" + i;
                        storage.put(key, ContentSource.of(bytes(key)));
                        storage.delete(key);
                    }
                    storage.put("deep/shared/folder/final-" + thread, ContentSource.of(bytes("f")));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(keys(storage, "deep/")).hasSize(threads).allMatch(k -> k.startsWith("deep/shared/folder/final-"));
    }

    @Test
    void sourceGivingMoreOrFewerBytesThanItDeclaredStoresNothing() {
        LocalStorageProvider storage = LocalStorageProvider.at(temp);
        assertThatThrownBy(() -> storage.put("short", ContentSource.once(SeededContent.stream(1, 100), OptionalLong.of(200))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("declared 200 bytes but gave 100");
        assertThatThrownBy(() -> storage.put("long", ContentSource.once(SeededContent.stream(1, 300), OptionalLong.of(200))))
                .isInstanceOf(StorageException.class);
        assertThat(keys(storage, "")).isEmpty();
    }

    @Test
    void keyCannotBeBothAnObjectAndAFolder() {
        LocalStorageProvider storage = LocalStorageProvider.at(temp);
        storage.put("a/b", ContentSource.of(bytes("file")));
        assertThatThrownBy(() -> storage.put("a/b/c", ContentSource.of(bytes("x"))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("is a file, so it cannot be a folder");
        storage.put("x/y/z", ContentSource.of(bytes("deep")));
        assertThatThrownBy(() -> storage.put("x/y", ContentSource.of(bytes("x"))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("a folder of that name holds other objects");
        assertThat(keys(storage, "")).containsExactlyInAnyOrder("a/b", "x/y/z");
    }

    @Test
    void descriptionIsTheFileUriOfTheAbsoluteRoot() {
        LocalStorageProvider storage = LocalStorageProvider.at(temp.resolve("store"));
        assertThat(storage.description()).isEqualTo("file:" + temp.toAbsolutePath().resolve("store").toString().replace('\\', '/'));
    }

    @Test
    void rootUnderARegularFileFailsAtCreationNamingThePathAndTheFix() throws IOException {
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        assertThatThrownBy(() -> LocalStorageProvider.at(file.resolve("sub")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.resolve("sub").toString())
                .hasMessageContaining(file + " is a file, not a folder")
                .hasMessageContaining("Configure another path");
        assertThatThrownBy(() -> LocalStorageProvider.at(file))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is a file, not a folder");
    }

    @Test
    void unwritableRootFailsAtCreationWithAClearMessage() throws Exception {
        Path root = Files.createDirectory(temp.resolve("locked"));
        Unwritable unwritable = Unwritable.make(root);
        try {
            assertThatThrownBy(() -> LocalStorageProvider.at(root))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("cannot write to the storage folder " + root)
                    .hasMessageContaining("Make it writable for the user running the application");
        } finally {
            unwritable.undo();
        }
    }

    @Test
    void folderThatBecomesUnwritableFailsPutWithPermissionDenied() throws Exception {
        Path root = Files.createDirectory(temp.resolve("later-locked"));
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        storage.put("old", ContentSource.of(bytes("old")));
        Unwritable unwritable = Unwritable.make(root);
        try {
            assertThatThrownBy(() -> storage.put("new", ContentSource.of(bytes("new"))))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("permission denied writing " + root.resolve("new"))
                    .hasMessageContaining("(key 'new')")
                    .satisfies(e -> assertThat(((StorageException) e).retryable()).isFalse());
            assertThat(keys(storage, "")).containsExactly("old");
        } finally {
            unwritable.undo();
        }
    }

    @Test
    void diskFullIsReportedAsSuchWithTheSizeNeeded() throws IOException {
        Path devFull = Path.of("/dev/full");
        assumeThat(Files.exists(devFull)).as("/dev/full (Linux) gives a real 'No space left on device'").isTrue();
        IOException real;
        try (FileChannel channel = FileChannel.open(devFull, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[4096]));
            channel.force(true);
            throw new AssertionError("writing to /dev/full succeeded");
        } catch (IOException e) {
            real = e;
        }
        StorageException translated = LocalStorageProvider.translate("store", "backups/x/db/t.zst",
                temp.resolve("backups/x/db/t.zst"), real, OptionalLong.of(123_456));
        assertThat(translated.getMessage())
                .startsWith("the disk is full: cannot store 'backups/x/db/t.zst' at " + temp.resolve("backups/x/db/t.zst"))
                .contains("the object needs 123456 bytes")
                .contains("bytes are free there")
                .contains("Free space on that disk");
        assertThat(translated.retryable()).isFalse();
        assertThat(translated.getCause()).isSameAs(real);
    }

    @Test
    void otherIoErrorsNameTheKeyAndThePath() {
        IOException cause = new IOException("Input/output error");
        StorageException translated = LocalStorageProvider.translate("read", "k/x", temp.resolve("k/x"), cause, OptionalLong.empty());
        assertThat(translated.getMessage()).isEqualTo("cannot read 'k/x' at " + temp.resolve("k/x") + ": IOException: Input/output error");
        assertThat(translated.retryable()).isFalse();
    }

    @Test
    void rangedReadsOfAFileBiggerThanTheBufferAreExact() throws IOException {
        LocalStorageProvider storage = LocalStorageProvider.at(temp);
        long size = 3_000_000;
        storage.put("big", SeededContent.source(5, size));
        try (InputStream in = storage.get("big", io.backupkit.api.spi.ByteRange.of(1_000_001, 1_500_000))) {
            assertThat(SeededContent.sha256(in)).isEqualTo(SeededContent.sha256(5, 1_000_001, 1_500_000));
        }
    }

    private static List<String> keys(LocalStorageProvider storage, String prefix) {
        try (Stream<BlobInfo> stream = storage.list(prefix)) {
            return stream.map(BlobInfo::key).collect(Collectors.toList());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
