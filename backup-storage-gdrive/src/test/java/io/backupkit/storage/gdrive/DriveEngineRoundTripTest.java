package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupType;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import io.backupkit.api.VerifyReport;
import io.backupkit.core.BackupKit;
import io.backupkit.jdbc.DatabaseContents;
import io.backupkit.testkit.SampleApplication;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Issue 6, acceptance 5: the engine end to end through Google Drive (the real client against the fake server): a
 * FULL backup of a SQLite database with foreign keys and a nested media tree; list, verify, export, import into
 * another folder, restore after the application changed both, and a retention clean-up that removes exactly the
 * backups the plan names, files and all.
 */
class DriveEngineRoundTripTest {
    @TempDir
    Path tmp;
    FakeDrive fake;
    DataSource db;
    Path media;

    @BeforeEach
    void start() {
        fake = new FakeDrive(tmp.resolve("drive"));
        db = sqlite(tmp.resolve("shop.db"));
        SampleApplication.createDatabase(db, 7);
        media = tmp.resolve("media");
        SampleApplication.createMedia(media, 40, 7);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void fullBackupListsVerifiesExportsImportsAndRestoresEveryRowAndFile() throws Exception {
        Map<String, List<String>> rowsAtBackup = contents(db);
        assertThat(rowsAtBackup.get("order_items foreign keys")).hasSize(2);
        Map<String, String> filesAtBackup = SampleApplication.snapshot(media);
        long rowCount = SampleApplication.rowCount(db);
        String importFolder = fake.server.createRootFolder("imported");

        try (DriveStorageProvider storage = fake.provider();
             BackupEngine engine = BackupKit.builder().storage(storage).dataSource(db).files(media).build();
             DriveStorageProvider otherStorage = fake.builder().rootFolderId(importFolder).build();
             BackupEngine other = BackupKit.builder().storage(otherStorage).build()) {

            Manifest manifest = engine.backup(BackupType.FULL).manifest();
            BackupId id = manifest.id();
            assertThat(manifest.database()).hasValueSatisfying(part -> {
                assertThat(part.tables()).extracting(Manifest.TableEntry::name)
                        .containsExactlyInAnyOrderElementsOf(SampleApplication.TABLES);
                assertThat(part.totalRows()).isEqualTo(rowCount);
            });
            assertThat(manifest.files()).hasValueSatisfying(part ->
                    assertThat(part.totalBytes()).isEqualTo(SampleApplication.regularFileBytes(media)));

            assertThat(engine.list()).singleElement().satisfies(info -> {
                assertThat(info.id()).isEqualTo(id);
                assertThat(info.type()).isEqualTo(BackupType.FULL);
                assertThat(info.tables()).isEqualTo(SampleApplication.TABLES.size());
                assertThat(info.rows()).isEqualTo(rowCount);
            });
            // Stored as ordinary Drive files in folders below the root: the manifest and every object it lists.
            assertThat(filesOf(fake.rootFolderId, id))
                    .contains("manifest.json")
                    .containsAll(manifest.objects().stream().map(Manifest.StoredObject::path).toList());

            VerifyReport verified = engine.verify(id);
            assertThat(verified.problems()).isEmpty();
            assertThat(verified.ok()).isTrue();
            assertThat(verified.objects()).hasSize(manifest.objects().size());

            Path exported = tmp.resolve("export.tar");
            engine.exportBackup(id, exported);
            assertThat(other.list()).isEmpty();
            assertThat(other.importBackup(exported).id()).isEqualTo(id);
            assertThat(other.list()).extracting(BackupInfo::id).containsExactly(id);
            assertThat(other.verify(id).ok()).isTrue();
            assertThat(filesOf(importFolder, id)).contains("manifest.json");

            SampleApplication.changeDatabase(db);
            SampleApplication.changeMedia(media);
            assertThat(contents(db)).isNotEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(media)).isNotEqualTo(filesAtBackup);

            assertThat(engine.restore(RestoreRequest.of(id)).safetyBackup()).isPresent();
            assertThat(contents(db)).isEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(media)).isEqualTo(filesAtBackup);

            // The imported copy restores on its own, into an empty database and an empty directory.
            DataSource fresh = sqlite(tmp.resolve("fresh.db"));
            Path freshMedia = tmp.resolve("fresh-media");
            other.restore(RestoreRequest.builder(id).targetDataSource(fresh).filesTarget(freshMedia).build());
            assertThat(contents(fresh)).isEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(freshMedia)).isEqualTo(filesAtBackup);
            assertNoServerFailures();
        }
    }

    @Test
    void retentionDryRunDeletesNothingAndCleanUpRemovesExactlyTheOldBackupsFromDrive() {
        StepClock clock = new StepClock(Instant.parse("2026-03-01T03:00:00Z"));
        try (DriveStorageProvider storage = fake.provider();
             BackupEngine engine = BackupKit.builder().storage(storage).dataSource(db).files(media).clock(clock).build()) {
            List<BackupId> ids = new ArrayList<>(); // oldest first
            for (int day = 0; day < 4; day++) {
                SampleApplication.execute(db, "INSERT INTO customers VALUES (" + (2000 + day) + ", 'day " + day + "', NULL, NULL)");
                ids.add(engine.backup(BackupType.FULL).id());
                clock.advance(Duration.ofDays(1));
            }
            List<BackupId> kept = List.of(ids.get(3), ids.get(2));
            List<BackupId> deleted = List.of(ids.get(1), ids.get(0));
            List<String> filesBefore = fake.server.filePathsBelow(fake.rootFolderId);
            for (BackupId id : ids) {
                assertThat(filesOf(fake.rootFolderId, id)).contains("manifest.json");
            }
            RetentionRules keepLastTwo = RetentionRules.of(RetentionPolicy.builder().keepLast(2).build());

            RetentionPlan plan = engine.planRetention(keepLastTwo);
            assertThat(plan.keepIds()).containsExactlyInAnyOrderElementsOf(kept);
            assertThat(plan.deleteIds()).containsExactlyElementsOf(deleted);
            assertThat(plan.bytesToFree()).isPositive();
            assertThat(engine.list()).extracting(BackupInfo::id).containsExactly(ids.get(3), ids.get(2), ids.get(1), ids.get(0));
            assertThat(fake.server.filePathsBelow(fake.rootFolderId)).isEqualTo(filesBefore);

            CleanupResult cleaned = engine.cleanup(keepLastTwo);
            assertThat(cleaned.backups()).containsExactlyInAnyOrderElementsOf(deleted.stream().map(BackupId::value).toList());
            assertThat(cleaned.bytesFreed()).isEqualTo(plan.bytesToFree());
            assertThat(engine.list()).extracting(BackupInfo::id).containsExactlyElementsOf(kept);
            for (BackupId id : deleted) {
                assertThat(filesOf(fake.rootFolderId, id)).as("files of deleted backup " + id).isEmpty();
            }
            for (BackupId id : kept) {
                assertThat(filesOf(fake.rootFolderId, id)).contains("manifest.json");
                assertThat(engine.verify(id).ok()).isTrue();
            }
            // A second clean-up has nothing left to do.
            assertThat(engine.planRetention(keepLastTwo).deletesNothing()).isTrue();
            assertNoServerFailures();
        }
    }

    /** Nothing above went through a retry: the fake server never failed and no upload was left open. */
    private void assertNoServerFailures() {
        assertThat(fake.server.requests(r -> r.status() < 0 || r.status() >= 500)).isEmpty();
        assertThat(fake.server.openUploadSessions()).isZero();
    }

    /** The files the fake server holds for one backup, relative to its folder. */
    private List<String> filesOf(String rootFolderId, BackupId id) {
        String folder = "backups/" + id.value() + "/";
        return fake.server.filePathsBelow(rootFolderId).stream().filter(p -> p.startsWith(folder))
                .map(p -> p.substring(folder.length())).toList();
    }

    private static DataSource sqlite(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    /** Every table's rows in canonical, sorted form, and its foreign keys. */
    private static Map<String, List<String>> contents(DataSource db) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (String table : SampleApplication.TABLES) {
            tables.put(table, DatabaseContents.rows(db, table));
            tables.put(table + " foreign keys", DatabaseContents.rows(db, "pragma_foreign_key_list('" + table + "')"));
        }
        return tables;
    }

    /** A clock the test moves by hand, so that backups are days apart. */
    private static final class StepClock extends Clock {
        private volatile Instant now;

        StepClock(Instant start) {
            now = start;
        }

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("StepClock is UTC only");
        }
    }
}
