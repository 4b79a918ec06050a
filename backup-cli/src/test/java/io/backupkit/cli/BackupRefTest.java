package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupState;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code latest} may name: a complete, undamaged backup, never a safety backup unless asked by type. */
class BackupRefTest {
    private static final Instant T = Instant.parse("2026-12-01T02:00:00Z");

    private static BackupInfo backup(BackupType type, BackupState.Completeness completeness, BackupState.Integrity integrity) {
        BackupState state = new BackupState(completeness, List.of(), "", integrity, Optional.empty(), "", List.of(), 0,
                Optional.empty());
        return new BackupInfo(BackupId.of("20261201T020000Z-full-abcd"), type, "", Set.of(), BackupStatus.COMPLETED,
                T, T, 10, 1, 1, 0, false, state);
    }

    @Test
    void latestIsNeverIncompleteDamagedOrASafetyBackup() {
        assertThat(BackupRef.countsAsLatest(backup(BackupType.FULL, BackupState.Completeness.COMPLETE,
                BackupState.Integrity.VERIFIED), Optional.empty())).isTrue();
        assertThat(BackupRef.countsAsLatest(backup(BackupType.FULL, BackupState.Completeness.INCOMPLETE,
                BackupState.Integrity.UNVERIFIED), Optional.empty())).as("INCOMPLETE").isFalse();
        assertThat(BackupRef.countsAsLatest(backup(BackupType.FULL, BackupState.Completeness.COMPLETE,
                BackupState.Integrity.DAMAGED), Optional.empty())).as("DAMAGED").isFalse();
        assertThat(BackupRef.countsAsLatest(backup(BackupType.SAFETY, BackupState.Completeness.COMPLETE,
                BackupState.Integrity.UNVERIFIED), Optional.empty())).as("safety").isFalse();
        assertThat(BackupRef.countsAsLatest(backup(BackupType.SAFETY, BackupState.Completeness.COMPLETE,
                BackupState.Integrity.UNVERIFIED), Optional.of(BackupType.SAFETY))).as("latest:safety").isTrue();
    }
}
