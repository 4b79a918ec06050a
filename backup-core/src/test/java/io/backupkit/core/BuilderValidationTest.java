package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupType;
import io.backupkit.api.ConfigurationException;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration fails at build() (or before anything is written) with a message that says what to change. */
class BuilderValidationTest {
    @TempDir
    Path tmp;

    @Test
    void noStorage() {
        assertThatThrownBy(() -> BackupKit.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no storage configured").hasMessageContaining("storage(\"file:./backups\")");
    }

    @Test
    void unknownScheme() {
        assertThatThrownBy(() -> BackupKit.builder().storage("ftp://host/backups").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no storage provider for 'ftp:'").hasMessageContaining("known schemes are file, s3 and gdrive");
    }

    @Test
    void missingProviderNamesTheArtifactToAdd() {
        // backup-storage-s3 is not on backup-core's test class path
        assertThatThrownBy(() -> BackupKit.builder().storage("s3://bucket/prefix").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("add the dependency io.backupkit:backup-storage-s3");
        assertThatThrownBy(() -> BackupKit.builder().storage("gdrive://folder-id").build())
                .hasMessageContaining("io.backupkit:backup-storage-gdrive");
    }

    @Test
    void uriWithoutScheme() {
        assertThatThrownBy(() -> BackupKit.builder().storage("backups").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no scheme");
    }

    @Test
    void malformedUri() {
        assertThatThrownBy(() -> BackupKit.builder().storage("file:/a b%zz").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("malformed");
    }

    @Test
    void unwritablePath() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> BackupKit.builder().storage("file:" + file.resolve("backups")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.resolve("backups").toString());
    }

    @Test
    void databaseBackupWithoutADatabase() {
        var engine = BackupKit.builder().storage(new InMemoryStorageProvider()).build();
        assertThatThrownBy(() -> engine.backup(BackupType.DATABASE)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dataSource(...)");
    }

    @Test
    void filesBackupWithoutFiles() {
        var engine = BackupKit.builder().storage(new InMemoryStorageProvider()).build();
        assertThatThrownBy(() -> engine.backup(BackupType.FILES)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("files(...)");
    }

    @Test
    void outOfRangeSettingsFailImmediately() {
        assertThatThrownBy(() -> BackupKit.builder().parallelism(0)).hasMessageContaining("between 1 and 64");
        assertThatThrownBy(() -> BackupKit.builder().maxImportBytes(-1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> io.backupkit.api.Compression.zstd(25)).hasMessageContaining("1 to 19");
    }
}
