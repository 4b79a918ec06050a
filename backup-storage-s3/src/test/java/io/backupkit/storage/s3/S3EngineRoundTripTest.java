package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupType;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.VerifyReport;
import io.backupkit.core.BackupKit;
import io.backupkit.jdbc.DatabaseContents;
import io.backupkit.testkit.SampleApplication;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 5, acceptance 4: the engine end to end through S3 (S3Mock): a FULL backup of a SQLite database with
 * foreign keys and a nested media tree; list, verify, export, import into another bucket, restore after the
 * application changed both, with every row and every file compared.
 */
class S3EngineRoundTripTest {
    private static final S3TestServer SERVER = S3TestServer.get();

    @TempDir
    Path tmp;

    @Test
    void fullBackupListsVerifiesExportsImportsAndRestoresEveryRowAndFile() throws Exception {
        DataSource db = sqlite(tmp.resolve("shop.db"));
        SampleApplication.createDatabase(db, 5);
        Path media = tmp.resolve("media");
        SampleApplication.createMedia(media, 40, 5);
        Map<String, List<String>> rowsAtBackup = contents(db);
        assertThat(rowsAtBackup.get("order_items foreign keys")).hasSize(2);
        Map<String, String> filesAtBackup = SampleApplication.snapshot(media);
        long rowCount = SampleApplication.rowCount(db);

        String bucket = SERVER.newBucket();
        String otherBucket = SERVER.newBucket();
        try (S3StorageProvider storage = S3TestServer.provider(bucket, SERVER.endpoint()).keyPrefix("shop/prod").build();
             BackupEngine engine = BackupKit.builder().storage(storage).dataSource(db).files(media).build();
             S3StorageProvider otherStorage = S3TestServer.provider(otherBucket, SERVER.endpoint()).keyPrefix("copies").build();
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
            // Ordinary objects under the prefix: the manifest and every object it lists.
            assertThat(objectKeys(bucket, "shop/prod/backups/" + id.value() + "/"))
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
            assertThat(objectKeys(otherBucket, "copies/backups/" + id.value() + "/")).contains("manifest.json");

            SampleApplication.changeDatabase(db);
            SampleApplication.changeMedia(media);
            assertThat(contents(db)).isNotEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(media)).isNotEqualTo(filesAtBackup);

            RestoreResult restored = engine.restore(RestoreRequest.of(id));
            assertThat(contents(db)).isEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(media)).isEqualTo(filesAtBackup);
            assertThat(restored.safetyBackup()).hasValueSatisfying(safety ->
                    assertThat(engine.list()).extracting(BackupInfo::id).contains(safety, id));

            // The imported copy restores on its own, into an empty database and an empty directory.
            DataSource fresh = sqlite(tmp.resolve("fresh.db"));
            Path freshMedia = tmp.resolve("fresh-media");
            other.restore(RestoreRequest.builder(id).targetDataSource(fresh).filesTarget(freshMedia).build());
            assertThat(contents(fresh)).isEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(freshMedia)).isEqualTo(filesAtBackup);
            for (String b : List.of(bucket, otherBucket)) {
                assertThat(SERVER.client().listMultipartUploads(r -> r.bucket(b)).uploads()).as("open uploads in " + b).isEmpty();
            }
        }
    }

    /** {@code s3://} from the builder: credentials from the default chain (here the SDK's system properties). */
    @Test
    void storageUriWithEndpointAndDefaultCredentialsBacksUpAndRestores() throws Exception {
        DataSource db = sqlite(tmp.resolve("shop.db"));
        SampleApplication.createDatabase(db, 6);
        Path media = tmp.resolve("media");
        SampleApplication.createMedia(media, 15, 6);
        Map<String, List<String>> rowsAtBackup = contents(db);
        Map<String, String> filesAtBackup = SampleApplication.snapshot(media);
        String bucket = SERVER.newBucket();
        String uri = "s3://" + bucket + "/apps/shop?endpoint=" + SERVER.endpoint() + "&pathStyle=true&region=us-east-1";

        String previousKey = System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        String previousSecret = System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        try (BackupEngine engine = BackupKit.builder().storage(uri).dataSource(db).files(media).build()) {
            BackupId id = engine.backup(BackupType.FULL).id();
            assertThat(engine.list()).extracting(BackupInfo::id).containsExactly(id);
            assertThat(engine.verify(id).ok()).isTrue();
            assertThat(objectKeys(bucket, "apps/shop/backups/" + id.value() + "/")).contains("manifest.json");

            SampleApplication.changeDatabase(db);
            SampleApplication.changeMedia(media);
            engine.restore(RestoreRequest.builder(id).safetyBackup(false).build());
            assertThat(contents(db)).isEqualTo(rowsAtBackup);
            assertThat(SampleApplication.snapshot(media)).isEqualTo(filesAtBackup);
        } finally {
            restoreProperty("aws.accessKeyId", previousKey);
            restoreProperty("aws.secretAccessKey", previousSecret);
        }
    }

    private static List<String> objectKeys(String bucket, String prefix) {
        return SERVER.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).map(key -> key.substring(prefix.length())).toList();
    }

    private static void restoreProperty(String name, String previous) {
        if (previous == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, previous);
        }
    }

    static DataSource sqlite(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    /** Every table's rows in canonical, sorted form, and its foreign keys. */
    static Map<String, List<String>> contents(DataSource db) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (String table : SampleApplication.TABLES) {
            tables.put(table, DatabaseContents.rows(db, table));
            tables.put(table + " foreign keys", DatabaseContents.rows(db, "pragma_foreign_key_list('" + table + "')"));
        }
        return tables;
    }
}
