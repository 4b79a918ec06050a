package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupState;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.HealthReport;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RestoreRequest;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's state (issue 16 item 5, acceptance 2): kept in a status object next to the manifest, changed by verify
 * (VERIFIED, DAMAGED with the objects), by restores (count, last at), reset by a re-import; used by list, stats,
 * health and the history.
 */
class BackupStateTest {
    @TempDir
    Path tmp;
    Path store;
    Path media;
    BackupEngine engine;
    BackupId id;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("media");
        TestTrees.generate(media, 20, 3);
        store = tmp.resolve("store");
        engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build().withActor("ops");
        id = engine.backup(BackupType.FILES).id();
    }

    private BackupState state(BackupId backup) {
        return engine.list().stream().filter(b -> b.id().equals(backup)).findFirst().orElseThrow().state();
    }

    @Test
    void aNewBackupIsCompleteAndUnverifiedAndItsManifestIsNeverRewritten() throws IOException {
        Path manifest = store.resolve("backups").resolve(id.value()).resolve("manifest.json");
        byte[] before = Files.readAllBytes(manifest);
        assertThat(Files.exists(manifest.resolveSibling("status.json"))).isTrue();
        assertThat(state(id).completeness()).isEqualTo(BackupState.Completeness.COMPLETE);
        assertThat(state(id).integrity()).isEqualTo(BackupState.Integrity.UNVERIFIED);
        engine.verify(id);
        engine.restore(RestoreRequest.builder(id).filesTarget(tmp.resolve("copy")).build());
        assertThat(Files.readAllBytes(manifest)).isEqualTo(before);
    }

    @Test
    void verifyFindsDamageListAndHealthShowItAndAReImportIsVerifiedAgain() throws IOException {
        Path export = tmp.resolve("export.tar");
        engine.exportBackup(id, export);
        assertThat(engine.verify(id).ok()).isTrue();
        BackupState verified = state(id);
        assertThat(verified.integrity()).isEqualTo(BackupState.Integrity.VERIFIED);
        assertThat(verified.checkedBy()).isEqualTo("ops");
        assertThat(verified.checkedAt()).isPresent();
        assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                .doesNotContain(HealthReport.Kind.DAMAGED_BACKUP);

        Path archive = store.resolve("backups").resolve(id.value()).resolve("files/files.tar.zst");
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        assertThat(engine.verify(id).ok()).isFalse();

        BackupState damaged = state(id);
        assertThat(damaged.integrity()).isEqualTo(BackupState.Integrity.DAMAGED);
        assertThat(damaged.problems()).singleElement().asString().startsWith("files/files.tar.zst: ");
        OperationRecord lastVerify = engine.history(HistoryQuery.all().withOperation(Operation.VERIFY)).get(0);
        assertThat(lastVerify.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(lastVerify.error()).get().asString().contains("DAMAGED").contains("files/files.tar.zst");
        assertThat(engine.health().problems()).filteredOn(p -> p.kind() == HealthReport.Kind.DAMAGED_BACKUP)
                .singleElement().satisfies(p -> assertThat(p.message()).contains(id.value(), "files/files.tar.zst"));
        assertThat(engine.stats().backupsByIntegrity()).containsEntry(BackupState.Integrity.DAMAGED, 1L);

        engine.delete(id);
        engine.importBackup(export);
        assertThat(state(id).integrity()).as("an import checks every object").isEqualTo(BackupState.Integrity.VERIFIED);
        assertThat(engine.verify(id).ok()).isTrue();
        assertThat(state(id).integrity()).isEqualTo(BackupState.Integrity.VERIFIED);
        assertThat(state(id).checkedBy()).isEqualTo("ops");
        assertThat(engine.health().healthy()).as(engine.health().toString()).isTrue();
    }

    @Test
    void restoresAreCountedDryRunsAreNamedAndSafetyBackupsAreNotBackupRuns() throws IOException {
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("old.txt"), "old");
        engine.restore(RestoreRequest.builder(id).filesTarget(target).validateOnly(true).build());
        assertThat(state(id).restoreCount()).as("a dry run is not a restore").isZero();
        OperationRecord dryRun = engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).get(0);
        assertThat(dryRun.dryRun()).isTrue();
        assertThat(dryRun.label()).isEqualTo("restore (dry run)");
        assertThat(dryRun.options()).containsEntry("validateOnly", "true");

        engine.restore(RestoreRequest.builder(id).filesTarget(target).build());
        engine.restore(RestoreRequest.builder(id).filesTarget(target).build());
        BackupState restored = state(id);
        assertThat(restored.restoreCount()).isEqualTo(2);
        assertThat(restored.lastRestoredAt()).isPresent();
        OperationRecord real = engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).get(0);
        assertThat(real.label()).isEqualTo("restore");

        BackupInfo safety = engine.list().stream().filter(b -> b.type() == BackupType.SAFETY).findFirst().orElseThrow();
        assertThat(safety.name()).doesNotContain(id.value());
        assertThat(safety.state().restoresEverything()).isFalse();
        // stats and health agree: the newest backup run is the files backup, not the later safety backups
        assertThat(engine.stats().lastSuccess()).get().satisfies(r -> assertThat(r.backupId()).contains(id));
        assertThat(engine.stats().backupRunsByStatus()).containsEntry(BackupStatus.COMPLETED, 1L);
        assertThat(engine.stats().backupsByType()).containsEntry(BackupType.SAFETY, 2L);
    }
}
