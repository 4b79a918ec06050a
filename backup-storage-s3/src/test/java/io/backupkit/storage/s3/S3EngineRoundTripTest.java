package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.BackupKit;
import io.backupkit.testkit.SampleApplication;
import io.backupkit.testkit.db.EngineRoundTripContract;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 5, acceptance 4: the engine end to end through S3 (S3Mock), each location a new bucket with a key prefix;
 * and a {@code s3://} storage URI with the SDK's default credentials.
 */
class S3EngineRoundTripTest extends EngineRoundTripContract {
    private static final S3TestServer SERVER = S3TestServer.get();

    @Override
    protected StorageProvider newStorage(String name) {
        return S3TestServer.provider(SERVER.newBucket(), SERVER.endpoint()).keyPrefix("apps/" + name).build();
    }

    @Override
    protected BackupEngine engine(StorageProvider storage, DataSource database, Path media, Clock clock) {
        return BackupKit.builder().storage(storage).dataSource(database).files(media).clock(clock).build();
    }

    @Override
    protected BackupEngine storageOnlyEngine(StorageProvider storage) {
        return BackupKit.builder().storage(storage).build();
    }

    /** The bucket's keys below the provider's prefix, listed with the server's own client. */
    @Override
    protected List<String> storedPaths(StorageProvider storage) {
        S3StorageProvider s3 = (S3StorageProvider) storage;
        return objectKeys(s3.bucket(), s3.keyPrefix());
    }

    /** A finished backup leaves no multipart upload open: its parts would be stored, and billed, invisibly. */
    @Override
    protected void assertNothingLeftOpen(StorageProvider storage) {
        String bucket = ((S3StorageProvider) storage).bucket();
        assertThat(SERVER.client().listMultipartUploads(r -> r.bucket(bucket)).uploads())
                .as("open uploads in " + bucket).isEmpty();
    }

    /** {@code s3://} from the builder: credentials from the default chain (here the SDK's system properties). */
    @Test
    void storageUriWithEndpointAndDefaultCredentialsBacksUpAndRestores() throws Exception {
        Map<String, List<String>> rowsAtBackup = contents(database);
        Map<String, String> filesAtBackup = SampleApplication.snapshot(media);
        String bucket = SERVER.newBucket();
        String uri = "s3://" + bucket + "/apps/shop?endpoint=" + SERVER.endpoint() + "&pathStyle=true&region=us-east-1";

        String previousKey = System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        String previousSecret = System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        try (BackupEngine engine = BackupKit.builder().storage(uri).dataSource(database).files(media).build()) {
            BackupId id = engine.backup(BackupType.FULL).id();
            assertThat(engine.list()).extracting(BackupInfo::id).containsExactly(id);
            assertThat(engine.verify(id).ok()).isTrue();
            assertThat(objectKeys(bucket, "apps/shop/backups/" + id.value() + "/")).contains("manifest.json");

            SampleApplication.changeDatabase(database);
            SampleApplication.changeMedia(media);
            engine.restore(RestoreRequest.builder(id).safetyBackup(false).build());
            assertThat(contents(database)).isEqualTo(rowsAtBackup);
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
}
