package io.backupkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.StorageProviderContract;

/**
 * The shared StorageProvider contract against S3Mock, each test on a fresh bucket. Parts are S3's minimum
 * (5 MiB) so the medium and large objects go through multipart uploads with several parts in flight.
 */
class S3StorageProviderContractTest extends StorageProviderContract {

    @Override
    protected StorageProvider createProvider() {
        return S3TestServer.get().providerOnNewBucket()
                .partSize(S3StorageProvider.Builder.MIN_PART_SIZE).partsInFlight(3).build();
    }

    @Override
    protected int manyKeysCount() {
        return 1_200; // more than one page of 1,000 keys
    }

    /** A failed put must not leave a multipart upload open: its parts would be stored, and billed, invisibly. */
    @Override
    protected void assertNoHiddenLeftovers() {
        String bucket = ((S3StorageProvider) storage).bucket();
        assertThat(S3TestServer.get().client().listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .as("multipart uploads left open in " + bucket).isEmpty();
    }

    /**
     * S3Mock (the in-process test server) writes an overwritten object's bytes into the same file a running GET is
     * reading from, so a read overlapping the end of a put can mix old and new bytes; real S3 serves a running GET
     * from the version it started on. Seen once under heavy load, never with the provider at fault.
     */
    @Override
    protected boolean readsAreIsolatedFromOverwrites() {
        return false;
    }
}
