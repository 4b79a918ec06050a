package io.backupkit.storage.s3;

import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * What every write needs to know, fixed when the provider is built.
 *
 * @param bucket        the bucket
 * @param keyPrefix     prepended to every key; empty or ending in {@code /}
 * @param partSize      bytes per multipart part (and the largest single PutObject)
 * @param partsInFlight part buffers that may exist at once for one upload
 * @param encryption    server-side encryption to request, or null for the bucket's default
 * @param kmsKeyId      the KMS key for {@code aws:kms}, or null for the AWS-managed key
 * @param storageClass  the storage class, or null for the bucket's default
 * @param verifyEtags   whether part ETags are checked against the MD5 of the bytes sent (when they can be)
 */
record S3Settings(String bucket, String keyPrefix, int partSize, int partsInFlight, ServerSideEncryption encryption,
                  String kmsKeyId, StorageClass storageClass, boolean verifyEtags) {

    /** Whether S3 reports the MD5 of the content as ETag: not with SSE-KMS (nor SSE-C, which is not offered). */
    boolean etagIsMd5() {
        return verifyEtags && encryption != ServerSideEncryption.AWS_KMS;
    }

    void applyTo(PutObjectRequest.Builder request) {
        applyTo(request::serverSideEncryption, request::ssekmsKeyId, request::storageClass);
    }

    void applyTo(CreateMultipartUploadRequest.Builder request) {
        applyTo(request::serverSideEncryption, request::ssekmsKeyId, request::storageClass);
    }

    /** One home for what a new object is written with; the SDK's two request builders share no interface. */
    private void applyTo(Consumer<ServerSideEncryption> sse, Consumer<String> kmsKey, Consumer<StorageClass> cls) {
        if (encryption != null) {
            sse.accept(encryption);
            if (kmsKeyId != null) {
                kmsKey.accept(kmsKeyId);
            }
        }
        if (storageClass != null) {
            cls.accept(storageClass);
        }
    }
}
