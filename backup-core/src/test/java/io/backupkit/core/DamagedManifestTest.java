package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.RetentionRules;
import io.backupkit.storage.local.LocalStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup whose manifest cannot be read is listed as DAMAGED (and counted), never silently hidden. */
class DamagedManifestTest {
    @TempDir
    Path tmp;

    @Test
    void aCorruptManifestIsListedAsDamaged() throws Exception {
        Path media = tmp.resolve("media");
        TestTrees.generate(media, 10, 3);
        Path store = tmp.resolve("store");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build()) {
            BackupId good = engine.backup(BackupType.FILES).id();
            BackupId bad = engine.backup(BackupType.FILES).id();
            Files.writeString(store.resolve("backups").resolve(bad.value()).resolve("manifest.json"), "{\"format\": 1, trunc");

            assertThat(engine.list()).extracting(BackupInfo::id, BackupInfo::status).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(good, BackupStatus.COMPLETED),
                    org.assertj.core.groups.Tuple.tuple(bad, BackupStatus.DAMAGED));
            BackupInfo damaged = engine.list().stream().filter(b -> b.id().equals(bad)).findFirst().orElseThrow();
            assertThat(damaged.type()).isEqualTo(BackupType.FILES);
            assertThat(damaged.storedBytes()).isPositive();
            assertThat(engine.stats().backupsByType().get(BackupType.FILES)).isEqualTo(2L);
            assertThat(engine.planRetention(RetentionRules.of(io.backupkit.api.RetentionPolicy.builder().keepLast(1).build())).delete())
                    .as("retention never plans a damaged backup").isEmpty();

            engine.delete(bad);
            assertThat(engine.list()).extracting(BackupInfo::id).containsExactly(good);
        }
    }
}
