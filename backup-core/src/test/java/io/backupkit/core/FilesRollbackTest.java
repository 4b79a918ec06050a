package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreRequest;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A files restore that fails half-way through changing the target is put back from the safety backup. The failure
 * is real: a directory made immutable with chattr +i (which stops even root) refuses the restore's writes.
 */
class FilesRollbackTest {
    @TempDir
    Path tmp;
    Path media;
    BackupEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        StandardToolsTest.requireTool("chattr");
        media = tmp.resolve("media");
        TestTrees.generate(media, 120, 21);
        Files.createDirectories(media.resolve("zz-locked"));
        Files.writeString(media.resolve("zz-locked/contract.pdf"), "v1");
        engine = BackupKit.builder().storage(LocalStorageProvider.at(tmp.resolve("store"))).files(media).build();
    }

    @AfterEach
    void unlock() throws Exception {
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.filter(p -> p.getFileName().toString().equals("zz-locked")).toList()) {
                StandardToolsTest.run(List.of("chattr", "-i", p.toString()));
            }
        }
    }

    @Test
    void aMergeThatFailsHalfWayIsRolledBackFromTheSafetyBackup() throws Exception {
        BackupId backup = engine.backup(BackupType.FILES).id();
        // Change the target so the restore has work to do on both sides of the locked directory.
        try (Stream<Path> files = Files.list(media)) {
            for (Path f : files.filter(Files::isRegularFile).limit(10).toList()) {
                Files.writeString(f, "edited after the backup");
            }
        }
        Files.writeString(media.resolve("zz-locked/contract.pdf"), "v2");
        Files.writeString(media.resolve("new since backup.txt"), "keep me");
        Map<String, String> before = TestTrees.snapshot(media);
        StandardToolsTest.run(List.of("chattr", "+i", media.resolve("zz-locked").toString()));

        RestoreRequest merge = RestoreRequest.builder(backup).filesMode(FileRestoreMode.MERGE).overwriteExisting(true).build();
        assertThatThrownBy(() -> engine.restore(merge))
                .isInstanceOfSatisfying(RestoreFailedException.class, e -> {
                    assertThat(e.targetState()).isEqualTo(RestoreFailedException.TargetState.ROLLED_BACK);
                    assertThat(e.safetyBackup()).isPresent();
                    assertThat(e.getMessage()).contains("put back as it was from safety backup");
                });
        assertThat(TestTrees.snapshot(media)).isEqualTo(before);

        OperationRecord restore = engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).get(0);
        assertThat(restore.status()).isEqualTo(BackupStatus.ROLLED_BACK);
        assertThat(restore.error()).isPresent();
        BackupId safety = restore.safetyBackup().orElseThrow();
        assertThat(engine.list()).anySatisfy(i -> {
            assertThat(i.id()).isEqualTo(safety);
            assertThat(i.type()).isEqualTo(BackupType.SAFETY);
        });
        Path alone = tmp.resolve("safety-alone");
        engine.restore(RestoreRequest.builder(safety).filesTarget(alone).safetyBackup(false).build());
        assertThat(TestTrees.snapshot(alone)).isEqualTo(before);
    }

    @Test
    void withoutASafetyBackupTheFailureSaysTheTargetMayBePartlyRestored() throws Exception {
        BackupId backup = engine.backup(BackupType.FILES).id();
        Files.writeString(media.resolve("zz-locked/contract.pdf"), "v2");
        StandardToolsTest.run(List.of("chattr", "+i", media.resolve("zz-locked").toString()));
        RestoreRequest merge = RestoreRequest.builder(backup).filesMode(FileRestoreMode.MERGE).safetyBackup(false).build();
        assertThatThrownBy(() -> engine.restore(merge))
                .isInstanceOfSatisfying(RestoreFailedException.class, e ->
                        assertThat(e.targetState()).isEqualTo(RestoreFailedException.TargetState.PARTIALLY_RESTORED));
    }
}
