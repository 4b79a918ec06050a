package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.ConflictException;
import io.backupkit.api.InvalidArchiveException;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.internal.Json;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportTest {
    @TempDir
    Path tmp;
    Path media;
    BackupEngine source;
    BackupResult backup;
    Path exported;
    InMemoryStorageProvider otherStorage;
    BackupEngine other;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("media");
        TestTrees.generate(media, 150, 11);
        source = BackupKit.builder().storage(LocalStorageProvider.at(tmp.resolve("store"))).files(media).build();
        backup = source.backup(BackupType.FILES);
        exported = tmp.resolve("backup.tar");
        source.exportBackup(backup.id(), exported);
        otherStorage = new InMemoryStorageProvider();
        other = BackupKit.builder().storage(otherStorage).build();
    }

    @Test
    void exportThenImportIntoAnEmptyStorageVerifiesAndRestoresTheSameTree() throws IOException {
        Manifest imported = other.importBackup(exported);
        assertThat(imported.id()).isEqualTo(backup.id());
        assertThat(other.list()).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo(backup.id()));
        assertThat(other.verify(backup.id()).ok()).isTrue();
        Path target = tmp.resolve("restored");
        other.restore(RestoreRequest.builder(backup.id()).filesTarget(target).build());
        assertThat(TestTrees.snapshot(target)).isEqualTo(TestTrees.snapshot(media));
    }

    @Test
    void theExportIsAPlainTarWithTheManifestFirst() throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(exported))) {
            assertThat(tar.getNextEntry().getName()).isEqualTo(backup.id() + "/manifest.json");
            int objects = 0;
            while (tar.getNextEntry() != null) {
                objects++;
            }
            assertThat(objects).isEqualTo(backup.manifest().objects().size());
        }
    }

    @Test
    void thePartExportHoldsOnlyThatPartAndImportsAsABackupOfThatType() throws Exception {
        Path withDb = tmp.resolve("db.sqlite");
        org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + withDb);
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            st.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT)");
            st.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        }
        BackupEngine full = BackupKit.builder().storage(new InMemoryStorageProvider()).dataSource(ds).files(media).build();
        BackupResult fullBackup = full.backup(io.backupkit.api.BackupRequest.builder(BackupType.FULL).name("both")
                .notes("n").tag("t").build());

        ByteArrayOutputStream db = new ByteArrayOutputStream();
        full.exportPart(fullBackup.id(), io.backupkit.api.BackupPart.DATABASE, db);
        Manifest dbOnly = BackupKit.builder().storage(new InMemoryStorageProvider()).build()
                .importBackup(new java.io.ByteArrayInputStream(db.toByteArray()));
        assertThat(dbOnly.id()).isEqualTo(fullBackup.id());
        assertThat(dbOnly.type()).isEqualTo(BackupType.DATABASE);
        assertThat(dbOnly.files()).isEmpty();
        assertThat(dbOnly.database()).isPresent();
        assertThat(dbOnly.name()).isEqualTo("both");
        assertThat(dbOnly.objects()).isNotEmpty().allSatisfy(o -> assertThat(o.kind())
                .isNotIn(Manifest.ObjectKind.FILES_ARCHIVE, Manifest.ObjectKind.FILES_INDEX));

        ByteArrayOutputStream files = new ByteArrayOutputStream();
        full.exportPart(fullBackup.id(), io.backupkit.api.BackupPart.FILES, files);
        BackupEngine filesTarget = BackupKit.builder().storage(new InMemoryStorageProvider()).build();
        Manifest filesOnly = filesTarget.importBackup(new java.io.ByteArrayInputStream(files.toByteArray()));
        assertThat(filesOnly.type()).isEqualTo(BackupType.FILES);
        assertThat(filesOnly.database()).isEmpty();
        assertThat(filesOnly.objects()).extracting(Manifest.StoredObject::kind)
                .containsOnly(Manifest.ObjectKind.FILES_ARCHIVE, Manifest.ObjectKind.FILES_INDEX);
        Path target = tmp.resolve("files-part");
        filesTarget.restore(RestoreRequest.builder(fullBackup.id()).filesTarget(target).build());
        assertThat(TestTrees.snapshot(target)).isEqualTo(TestTrees.snapshot(media));
    }

    @Test
    void exportingAPartTheBackupDoesNotHaveIsNotFound() {
        assertThatThrownBy(() -> source.exportPart(backup.id(), io.backupkit.api.BackupPart.DATABASE,
                new ByteArrayOutputStream())).isInstanceOf(io.backupkit.api.BackupNotFoundException.class)
                .hasMessageContaining("has no database part");
    }

    @Test
    void importingTheSameBackupTwiceIsAConflictAndChangesNothing() {
        other.importBackup(exported);
        Map<String, String> before = contents(otherStorage);
        assertThatThrownBy(() -> other.importBackup(exported)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("already exists");
        assertThat(contents(otherStorage)).isEqualTo(before);
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        byte[] all = Files.readAllBytes(exported);
        Path cut = Files.write(tmp.resolve("cut.tar"), java.util.Arrays.copyOf(all, all.length / 2));
        assertRefused(cut, "truncated");
    }

    @Test
    void aRandomFileIsRefused() throws IOException {
        byte[] junk = new byte[100_000];
        new Random(3).nextBytes(junk);
        assertRefused(Files.write(tmp.resolve("junk.bin"), junk), "not a tar archive");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        assertRefused(Files.write(tmp.resolve("empty.tar"), new byte[0]), "empty or not a tar archive");
    }

    @Test
    void anEntryThatClimbsOutWithDotDotIsRefused() throws IOException {
        Path evil = rewrite(entries -> entries.put(backup.id() + "/../../evil.txt", "pwned".getBytes()));
        assertRefused(evil, "'..' segment");
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void aFileIndexPathThatClimbsOutIsRefusedByImportAndByTheDryRunAsByTheRestore() throws IOException {
        // A consistent archive (every checksum right) whose files index holds media/../..: only the restore refused it.
        java.util.Map<String, byte[]> tampered = new LinkedHashMap<>();
        Path evil = rewrite(entries -> {
            String indexKey = backup.id() + "/files/index.jsonl.zst";
            String manifestKey = backup.id() + "/manifest.json";
            try {
                String index;
                try (InputStream z = new com.github.luben.zstd.ZstdInputStream(
                        new java.io.ByteArrayInputStream(entries.get(indexKey)))) {
                    index = new String(z.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                String line = index.lines().skip(1).findFirst().orElseThrow();
                String path = Json.mapper().readTree(line).get("path").asText();
                byte[] raw = index.replace("\"" + path + "\"", "\"media/../..\"")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] stored = com.github.luben.zstd.Zstd.compress(raw, 3);
                ObjectNode m = (ObjectNode) Json.mapper().readTree(entries.get(manifestKey));
                for (var o : m.withArray("objects")) {
                    if (o.get("path").asText().equals("files/index.jsonl.zst")) {
                        ((ObjectNode) o).put("size", raw.length).put("sha256", io.backupkit.core.internal.Sha256.of(raw))
                                .put("storedSize", stored.length)
                                .put("storedSha256", io.backupkit.core.internal.Sha256.of(stored));
                    }
                }
                entries.put(indexKey, stored);
                entries.put(manifestKey, Json.mapper().writeValueAsBytes(m));
                tampered.putAll(entries);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertRefused(evil, "unsafe path in the file index");

        // The same backup put into a storage directly: the dry run refuses it too, and names why.
        tampered.forEach((name, bytes) -> otherStorage.put("backups/" + name,
                io.backupkit.api.spi.ContentSource.of(bytes)));
        assertThatThrownBy(() -> other.restore(RestoreRequest.builder(backup.id()).filesTarget(tmp.resolve("dry"))
                .validateOnly(true).build())).isInstanceOf(io.backupkit.api.IntegrityException.class)
                .hasMessageContaining("unsafe path in the file index");
        assertThat(tmp.resolve("dry")).doesNotExist();
    }

    @Test
    void anAbsoluteEntryIsRefused() throws IOException {
        assertRefused(rewrite(entries -> entries.put("/tmp/evil.txt", "pwned".getBytes())), "absolute path");
    }

    @Test
    void aManifestThatLiesAboutAChecksumIsRefused() throws IOException {
        Path lying = rewrite(entries -> {
            String key = backup.id() + "/manifest.json";
            try {
                ObjectNode m = (ObjectNode) Json.mapper().readTree(entries.get(key));
                ObjectNode first = (ObjectNode) m.withArray("objects").get(0);
                first.put("storedSha256", "0".repeat(64));
                entries.put(key, Json.mapper().writeValueAsBytes(m));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertRefused(lying, "does not match the SHA-256 its manifest records");
    }

    @Test
    void anArchiveWithAnObjectMissingIsRefused() throws IOException {
        Path missing = rewrite(entries -> entries.keySet().removeIf(k -> k.endsWith("index.jsonl.zst")));
        assertRefused(missing, "incomplete");
    }

    @Test
    void aFileOverTheSizeLimitIsRefused() {
        InMemoryStorageProvider small = new InMemoryStorageProvider();
        BackupEngine limited = BackupKit.builder().storage(small).maxImportBytes(10_000).build();
        assertThatThrownBy(() -> limited.importBackup(exported)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("limit of 10000 bytes");
        assertThat(contents(small)).isEmpty();
    }

    private void assertRefused(Path file, String message) {
        Map<String, String> before = contents(otherStorage);
        assertThatThrownBy(() -> other.importBackup(file)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining(message).hasMessageContaining("nothing was imported");
        assertThat(contents(otherStorage)).isEqualTo(before);
        assertThat(other.list()).isEmpty();
    }

    /** Re-packs the export after changing its entries (name -> bytes, in order). */
    private Path rewrite(java.util.function.Consumer<Map<String, byte[]>> change) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(exported))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        change.accept(entries);
        Path out = tmp.resolve("rewritten-" + System.nanoTime() + ".tar");
        try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var en : entries.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(en.getKey(), true);
                te.setSize(en.getValue().length);
                tar.putArchiveEntry(te);
                tar.write(en.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out;
    }

    /** Every object under backups/ with its SHA-256 (the history under logs/ records failed attempts, by design). */
    static Map<String, String> contents(StorageProvider storage) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<BlobInfo> s = storage.list("backups/")) {
            s.forEach(b -> {
                try (InputStream in = storage.get(b.key())) {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    in.transferTo(buf);
                    out.put(b.key(), io.backupkit.core.internal.Sha256.of(buf.toByteArray()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return out;
    }
}
