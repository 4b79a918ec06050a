/**
 * BackupKit storage on Amazon S3 and S3-compatible services.
 *
 * <p>{@link io.backupkit.storage.s3.S3StorageProvider} is configured with its builder, or from a URI through
 * {@link io.backupkit.storage.s3.S3StorageProviderFactory} (registered for the {@code s3} scheme):
 * <pre>
 * s3://acme-backups/shop?region=eu-central-1
 * s3://backups/app?endpoint=http://minio.local:9000&amp;pathStyle=true&amp;region=us-east-1&amp;profile=backup
 * </pre>
 *
 * <p>How writes work: content shorter than one part (default 16 MiB) is one PutObject; anything longer, of known
 * or unknown length, is a multipart upload holding at most part size x parts in flight (default 4) in memory,
 * sending parts in parallel, each with CRC32C and Content-MD5 checksums and each retried with backoff on
 * throttling, 5xx and broken connections. A failed upload is aborted; uploads left by a crashed process are
 * removed by {@link io.backupkit.storage.s3.S3StorageProvider#abortStaleUploads} (or a bucket lifecycle rule
 * "abort incomplete multipart uploads after N days").
 *
 * <p>IAM permissions needed on the bucket and prefix: {@code s3:PutObject}, {@code s3:GetObject},
 * {@code s3:DeleteObject}, {@code s3:ListBucket}, {@code s3:AbortMultipartUpload}, and for the clean-up
 * {@code s3:ListBucketMultipartUploads}; with SSE-KMS also {@code kms:GenerateDataKey} and {@code kms:Decrypt}.
 */
package io.backupkit.storage.s3;
