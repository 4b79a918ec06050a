package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.Compression;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.FileSet;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FilesBackupTest {
    @TempDir
    Path tmp;
    Path media;
    BackupEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("media");
        TestTrees.generate(media, 300, 42);
        engine = BackupKit.builder().storage(LocalStorageProvider.at(tmp.resolve("store"))).files(media).build();
    }

    @ParameterizedTest
    @EnumSource(Compression.Codec.class)
    void filesRoundTripWithEveryCodecGivesAnIdenticalTree(Compression.Codec codec) throws IOException {
        Compression c = switch (codec) {
            case ZSTD -> Compression.zstd(5);
            case GZIP -> Compression.gzip(6);
            case NONE -> Compression.NONE;
        };
        BackupResult r = engine.backup(BackupRequest.builder(BackupType.FILES).compression(c).build());
        Path target = tmp.resolve("restored");
        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target).build());
        assertThat(TestTrees.snapshot(target)).isEqualTo(TestTrees.snapshot(media));
        assertThat(r.manifest().objects()).allSatisfy(o -> assertThat(o.compression()).isEqualTo(c));
    }

    @Test
    void symlinksAreRecordedNotFollowed() throws IOException {
        Files.createSymbolicLink(media.resolve("link-to-outside"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(media.resolve("relative-link"), Path.of("empty folder"));
        BackupResult r = engine.backup(BackupType.FILES);
        Path target = tmp.resolve("restored");
        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target).build());
        assertThat(Files.readSymbolicLink(target.resolve("link-to-outside"))).isEqualTo(Path.of("/etc/hostname"));
        assertThat(Files.isSymbolicLink(target.resolve("relative-link"))).isTrue();
        assertThat(TestTrees.snapshot(target)).isEqualTo(TestTrees.snapshot(media));
    }

    @Test
    void includeAndExcludePatternsSelectFiles() throws IOException {
        Files.createDirectories(media.resolve("cache/deep"));
        Files.writeString(media.resolve("cache/deep/x.jpg"), "cached");
        Files.writeString(media.resolve("top.jpg"), "top");
        FileSet jpgsNoCache = FileSet.builder().root(media).include("**/*.jpg").exclude("cache/**").build();
        BackupResult r = engine.backup(BackupRequest.builder(BackupType.FILES).files(jpgsNoCache).build());
        Path target = tmp.resolve("restored");
        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target).build());
        Map<String, String> restored = TestTrees.snapshot(target);
        assertThat(restored).containsKey("top.jpg");
        assertThat(restored.keySet()).noneMatch(p -> p.startsWith("cache"));
        assertThat(restored.keySet()).filteredOn(p -> p.endsWith(".txt")).isEmpty();
        assertThat(restored.keySet()).filteredOn(p -> p.endsWith(".jpg")).hasSizeGreaterThan(50);
    }

    @Test
    void replaceMakesTheDirectoryExactlyTheBackup() throws IOException {
        BackupResult r = engine.backup(BackupType.FILES);
        Map<String, String> before = TestTrees.snapshot(media);
        Files.writeString(media.resolve("added later.txt"), "new");
        Files.writeString(media.resolve("empty folder/new inside.txt"), "new");
        try (var s = Files.list(media)) {
            Path someFile = s.filter(Files::isRegularFile).findFirst().orElseThrow();
            Files.writeString(someFile, "changed");
        }
        RestoreResult result = engine.restore(RestoreRequest.builder(r.id()).safetyBackup(false).build());
        assertThat(TestTrees.snapshot(media)).isEqualTo(before);
        RestoreResult.FilesChange change = result.files().get(0);
        assertThat(change.removed()).isEqualTo(2);
        assertThat(change.replaced()).isEqualTo(1);
        assertThat(change.added()).isZero();
    }

    @Test
    void mergeKeepsOrOverwritesExistingFilesAndRemovesNothing() throws IOException {
        Files.writeString(media.resolve("shared.txt"), "from backup");
        BackupResult r = engine.backup(BackupType.FILES);
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("shared.txt"), "local edit");
        Files.writeString(target.resolve("only-local.txt"), "keep me");

        RestoreResult keep = engine.restore(RestoreRequest.builder(r.id()).filesTarget(target)
                .filesMode(FileRestoreMode.MERGE).overwriteExisting(false).safetyBackup(false).build());
        assertThat(Files.readString(target.resolve("shared.txt"))).isEqualTo("local edit");
        assertThat(Files.readString(target.resolve("only-local.txt"))).isEqualTo("keep me");
        assertThat(keep.files().get(0).removed()).isZero();

        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target)
                .filesMode(FileRestoreMode.MERGE).overwriteExisting(true).safetyBackup(false).build());
        assertThat(Files.readString(target.resolve("shared.txt"))).isEqualTo("from backup");
        assertThat(Files.readString(target.resolve("only-local.txt"))).isEqualTo("keep me");
        Map<String, String> expected = TestTrees.snapshot(media);
        Map<String, String> actual = TestTrees.snapshot(target);
        actual.remove("only-local.txt");
        expected.remove("");
        actual.remove("");
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void validateOnlyReportsChangesAndTouchesNothing() throws IOException {
        BackupResult r = engine.backup(BackupType.FILES);
        Files.writeString(media.resolve("added later.txt"), "new");
        Map<String, String> before = TestTrees.snapshot(media);
        RestoreResult dry = engine.restore(RestoreRequest.builder(r.id()).validateOnly(true).build());
        assertThat(dry.validateOnly()).isTrue();
        assertThat(dry.files().get(0).removed()).isEqualTo(1);
        assertThat(dry.files().get(0).unchanged()).isEqualTo(300);
        assertThat(TestTrees.snapshot(media)).isEqualTo(before);
        assertThat(engine.list(BackupQuery.all().withType(BackupType.SAFETY))).isEmpty();
    }

    @Test
    void restoreOverExistingFilesTakesASafetyBackupOfThem() throws IOException {
        BackupResult r = engine.backup(BackupType.FILES);
        Files.writeString(media.resolve("precious.txt"), "only here");
        RestoreResult result = engine.restore(RestoreRequest.of(r.id()));
        assertThat(result.safetyBackup()).isPresent();
        assertThat(Files.exists(media.resolve("precious.txt"))).isFalse();
        Path back = tmp.resolve("from-safety");
        engine.restore(RestoreRequest.builder(result.safetyBackup().get()).filesTarget(back).safetyBackup(false).build());
        assertThat(Files.readString(back.resolve("precious.txt"))).isEqualTo("only here");
        assertThat(engine.find(result.safetyBackup().get()).orElseThrow().type()).isEqualTo(BackupType.SAFETY);
    }

    @Test
    void severalRootsRestoreIntoSubdirectoriesOfATarget() throws IOException {
        Path uploads = tmp.resolve("uploads");
        Files.createDirectories(uploads.resolve("2026"));
        Files.writeString(uploads.resolve("2026/invoice.pdf"), "pdf");
        FileSet two = FileSet.builder().root(media).root(uploads).build();
        BackupResult r = engine.backup(BackupRequest.builder(BackupType.FILES).files(two).build());
        assertThat(r.manifest().files().orElseThrow().roots()).extracting(Manifest.FileRoot::name).containsExactly("media", "uploads");
        Path target = tmp.resolve("restored");
        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target).build());
        assertThat(TestTrees.snapshot(target.resolve("media"))).isEqualTo(TestTrees.snapshot(media));
        assertThat(Files.readString(target.resolve("uploads/2026/invoice.pdf"))).isEqualTo("pdf");
    }

    @Test
    void anEmptyMediaDirectoryGivesAValidEmptyBackup() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("nothing-yet"));
        BackupResult r = engine.backup(BackupRequest.builder(BackupType.FILES).files(FileSet.of(empty)).build());
        assertThat(r.manifest().files().orElseThrow().fileCount()).as("directories are not files").isZero();
        assertThat(r.manifest().files().orElseThrow().totalBytes()).isZero();
        Path target = tmp.resolve("restored-empty");
        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target).build());
        assertThat(Files.isDirectory(target)).isTrue();
        try (var s = Files.list(target)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aMissingMediaDirectoryFailsBeforeAnythingIsWritten() {
        FileSet missing = FileSet.of(tmp.resolve("does-not-exist"));
        assertThatThrownBy(() -> engine.backup(BackupRequest.builder(BackupType.FILES).files(missing).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does-not-exist").hasMessageContaining("does not exist");
        assertThat(tmp.resolve("store/backups")).doesNotExist();
    }

    @Test
    void aTargetThatIsAFileIsRefusedAndLeftAlone() throws IOException {
        BackupResult r = engine.backup(BackupType.FILES);
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(r.id()).filesTarget(file).build()))
                .hasMessageContaining("is not a directory");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aRestoreThatCannotFitIsRefusedBeforeAnythingIsWritten() throws Exception {
        StandardToolsTest.requireTool("mount");
        BackupResult r = engine.backup(BackupType.FILES);
        // A 1 MB tmpfs is too small for this backup's files.
        Path small = Files.createDirectories(tmp.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here (not root?)");
        try {
            assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(r.id()).filesTarget(small.resolve("media")).build()))
                    .hasMessageContaining("not enough free space").hasMessageContaining("nothing was changed");
            try (var s = Files.list(small)) {
                assertThat(s).isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void restoringTheSameBackupTwiceGivesTheSameTree() throws IOException {
        BackupResult r = engine.backup(BackupType.FILES);
        Path target = tmp.resolve("again");
        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target).build());
        engine.restore(RestoreRequest.builder(r.id()).filesTarget(target).build());
        assertThat(TestTrees.snapshot(target)).isEqualTo(TestTrees.snapshot(media));
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("backupkit-"));
        }
    }
}
