package io.backupkit.storage.s3;

import java.io.ByteArrayInputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The S3 calls the provider makes, over either a synchronous or an asynchronous SDK client, so a host can hand
 * in whichever it already has. Calls block and throw the SDK's own {@link SdkException}s.
 */
interface S3Calls extends AutoCloseable {

    void putObject(PutObjectRequest request, byte[] buffer, int length);

    CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest request);

    UploadPartResponse uploadPart(UploadPartRequest request, byte[] buffer, int length);

    CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest request);

    void abortMultipartUpload(AbortMultipartUploadRequest request);

    ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request);

    HeadObjectResponse headObject(HeadObjectRequest request);

    void headBucket(HeadBucketRequest request);

    ListObjectsV2Response listObjectsV2(ListObjectsV2Request request);

    ListMultipartUploadsResponse listMultipartUploads(ListMultipartUploadsRequest request);

    void deleteObject(DeleteObjectRequest request);

    /** The region the client signs for, for messages. */
    Region region();

    /** Closes the client if this provider built it; a client handed in by the host stays open. */
    @Override
    void close();

    static S3Calls of(S3Client client, boolean owned) {
        return new Sync(client, owned);
    }

    static S3Calls of(S3AsyncClient client, boolean owned) {
        return new Async(client, owned);
    }

    /** The bytes of a buffer as a request body, without copying, re-readable for signing and SDK retries. */
    private static RequestBody body(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                "application/octet-stream");
    }

    final class Sync implements S3Calls {
        private final S3Client client;
        private final boolean owned;

        Sync(S3Client client, boolean owned) {
            this.client = client;
            this.owned = owned;
        }

        @Override
        public void putObject(PutObjectRequest request, byte[] buffer, int length) {
            client.putObject(request, body(buffer, length));
        }

        @Override
        public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest request) {
            return client.createMultipartUpload(request);
        }

        @Override
        public UploadPartResponse uploadPart(UploadPartRequest request, byte[] buffer, int length) {
            return client.uploadPart(request, body(buffer, length));
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest request) {
            return client.completeMultipartUpload(request);
        }

        @Override
        public void abortMultipartUpload(AbortMultipartUploadRequest request) {
            client.abortMultipartUpload(request);
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
            return client.getObject(request);
        }

        @Override
        public HeadObjectResponse headObject(HeadObjectRequest request) {
            return client.headObject(request);
        }

        @Override
        public void headBucket(HeadBucketRequest request) {
            client.headBucket(request);
        }

        @Override
        public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
            return client.listObjectsV2(request);
        }

        @Override
        public ListMultipartUploadsResponse listMultipartUploads(ListMultipartUploadsRequest request) {
            return client.listMultipartUploads(request);
        }

        @Override
        public void deleteObject(DeleteObjectRequest request) {
            client.deleteObject(request);
        }

        @Override
        public Region region() {
            return client.serviceClientConfiguration().region();
        }

        @Override
        public void close() {
            if (owned) {
                client.close();
            }
        }
    }

    final class Async implements S3Calls {
        private final S3AsyncClient client;
        private final boolean owned;

        Async(S3AsyncClient client, boolean owned) {
            this.client = client;
            this.owned = owned;
        }

        /** Waits for the call; rethrows the SDK exception itself, not a CompletionException around it. */
        private static <T> T await(CompletableFuture<T> future) {
            try {
                return future.get();
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw SdkClientException.create("interrupted while waiting for S3", e);
            } catch (ExecutionException e) {
                throw unwrap(e.getCause());
            } catch (CompletionException e) {
                throw unwrap(e.getCause());
            }
        }

        private static RuntimeException unwrap(Throwable cause) {
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                return runtime;
            }
            return SdkClientException.create(String.valueOf(cause), cause);
        }

        private static AsyncRequestBody body(byte[] buffer, int length) {
            return AsyncRequestBody.fromByteBufferUnsafe(java.nio.ByteBuffer.wrap(buffer, 0, length));
        }

        @Override
        public void putObject(PutObjectRequest request, byte[] buffer, int length) {
            await(client.putObject(request, body(buffer, length)));
        }

        @Override
        public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest request) {
            return await(client.createMultipartUpload(request));
        }

        @Override
        public UploadPartResponse uploadPart(UploadPartRequest request, byte[] buffer, int length) {
            return await(client.uploadPart(request, body(buffer, length)));
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest request) {
            return await(client.completeMultipartUpload(request));
        }

        @Override
        public void abortMultipartUpload(AbortMultipartUploadRequest request) {
            await(client.abortMultipartUpload(request));
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
            return await(client.getObject(request, AsyncResponseTransformer.toBlockingInputStream()));
        }

        @Override
        public HeadObjectResponse headObject(HeadObjectRequest request) {
            return await(client.headObject(request));
        }

        @Override
        public void headBucket(HeadBucketRequest request) {
            await(client.headBucket(request));
        }

        @Override
        public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
            return await(client.listObjectsV2(request));
        }

        @Override
        public ListMultipartUploadsResponse listMultipartUploads(ListMultipartUploadsRequest request) {
            return await(client.listMultipartUploads(request));
        }

        @Override
        public void deleteObject(DeleteObjectRequest request) {
            await(client.deleteObject(request));
        }

        @Override
        public Region region() {
            return client.serviceClientConfiguration().region();
        }

        @Override
        public void close() {
            if (owned) {
                client.close();
            }
        }
    }
}
