package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.VerifyReport;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One flipped byte in any stored object is found by verify and stops a restore before it touches anything. */
class IntegrityTest {
    @TempDir
    Path tmp;
    Path media;
    Path store;
    BackupEngine engine;
    BackupResult backup;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("media");
        TestTrees.generate(media, 120, 7);
        store = tmp.resolve("store");
        engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
        backup = engine.backup(BackupType.FILES);
    }

    static Stream<String> objects() {
        return Stream.of("files/files.tar.zst", "files/index.jsonl.zst");
    }

    @ParameterizedTest
    @MethodSource("objects")
    void aFlippedByteIsNamedByVerifyAndStopsTheRestore(String object) throws IOException {
        assertThat(engine.verify(backup.id()).ok()).isTrue();
        Path file = store.resolve("backups").resolve(backup.id().value()).resolve(object);
        flipByte(file, Files.size(file) / 2);

        VerifyReport report = engine.verify(backup.id());
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo(object);
            assertThat(p.status()).isEqualTo(VerifyReport.CheckStatus.CHECKSUM_MISMATCH);
        });

        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("existing.txt"), "must survive");
        Map<String, String> before = TestTrees.snapshot(target);
        assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(backup.id()).filesTarget(target).build()))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(object)
                .hasMessageContaining("nothing was changed");
        assertThat(TestTrees.snapshot(target)).isEqualTo(before);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("backupkit-restore"));
        }
    }

    @Test
    void aTruncatedObjectIsReportedAsASizeProblem() throws IOException {
        Manifest.StoredObject archive = backup.manifest().object("files/files.tar.zst").orElseThrow();
        Path file = store.resolve("backups").resolve(backup.id().value()).resolve(archive.path());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 10);
        }
        VerifyReport report = engine.verify(backup.id());
        assertThat(report.problems()).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo(archive.path()));
    }

    @Test
    void aTruncatedOrMissingObjectStopsTheRestoreBeforeItTouchesAnything() throws IOException {
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("existing.txt"), "must survive");
        Map<String, String> before = TestTrees.snapshot(target);
        Path dir = store.resolve("backups").resolve(backup.id().value());
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("files/files.tar.zst").toFile(), "rw")) {
            raf.setLength(raf.length() - 10);
        }
        assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(backup.id()).filesTarget(target).build()))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("files/files.tar.zst")
                .hasMessageContaining("bytes in storage, the manifest records")
                .hasMessageContaining("nothing was changed");
        Files.delete(dir.resolve("files/files.tar.zst"));
        assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(backup.id()).filesTarget(target).build()))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("missing")
                .hasMessageContaining("nothing was changed");
        assertThat(TestTrees.snapshot(target)).isEqualTo(before);
    }

    /**
     * The check before a restore reads the stored bytes only; content that does not match its recorded SHA-256
     * although the stored bytes do (a manifest written wrong) is still caught while the restore reads it, and the
     * staged files restore leaves the target as it was.
     */
    @Test
    void contentNotMatchingItsChecksumIsStillCaughtDuringTheRestore() throws IOException {
        Path manifestFile = store.resolve("backups").resolve(backup.id().value()).resolve("manifest.json");
        String manifest = Files.readString(manifestFile);
        String contentSha = backup.manifest().object("files/files.tar.zst").orElseThrow().sha256();
        assertThat(manifest).contains(contentSha);
        String wrong = (contentSha.charAt(0) == '0' ? "1" : "0") + contentSha.substring(1);
        Files.writeString(manifestFile, manifest.replace(contentSha, wrong));

        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("existing.txt"), "must survive");
        Map<String, String> before = TestTrees.snapshot(target);
        assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(backup.id()).filesTarget(target).build()))
                .isInstanceOfSatisfying(RestoreFailedException.class, e -> assertThat(e.targetState())
                        .isEqualTo(RestoreFailedException.TargetState.UNCHANGED))
                .hasMessageContaining("files/files.tar.zst")
                .hasMessageContaining("content does not match its SHA-256")
                .hasMessageContaining("nothing was changed");
        assertThat(TestTrees.snapshot(target)).isEqualTo(before);
        assertThat(engine.verify(backup.id()).problems()).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo("files/files.tar.zst"));
    }

    @Test
    void aMissingObjectIsReportedAsMissing() throws IOException {
        Files.delete(store.resolve("backups").resolve(backup.id().value()).resolve("files/index.jsonl.zst"));
        VerifyReport report = engine.verify(backup.id());
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("files/index.jsonl.zst");
            assertThat(p.status()).isEqualTo(VerifyReport.CheckStatus.MISSING);
        });
    }

    @Test
    void aCorruptManifestIsAnIntegrityErrorAndTheBackupIsListedAsDamaged() throws IOException {
        Path manifest = store.resolve("backups").resolve(backup.id().value()).resolve("manifest.json");
        Files.writeString(manifest, "{\"format\": 1, \"id\": \"" + backup.id() + "\", \"type\": \"NOPE\"}");
        // never hidden: a backup whose manifest cannot be read is listed as DAMAGED
        assertThat(engine.list()).singleElement().satisfies(b -> {
            assertThat(b.id()).isEqualTo(backup.id());
            assertThat(b.status()).isEqualTo(io.backupkit.api.BackupStatus.DAMAGED);
        });
        assertThatThrownBy(() -> engine.verify(backup.id())).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("manifest");
    }

    static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x5a);
        }
    }
}
