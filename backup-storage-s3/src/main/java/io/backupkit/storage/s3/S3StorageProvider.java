package io.backupkit.storage.s3;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.internal.Require;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
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
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Stores backups in an Amazon S3 bucket or an S3-compatible service (MinIO, Ceph RGW, Cloudflare R2, Wasabi,
 * Backblaze B2), under an optional key prefix.
 *
 * <p>Writes stream: content of any length is sent as a multipart upload whose memory use is bounded by
 * {@linkplain Builder#partSize part size} x {@linkplain Builder#partsInFlight parts in flight}; parts go up in
 * parallel, each with a CRC32C checksum that S3 verifies, each retried on throttling, 5xx and broken connections
 * as the {@linkplain Builder#retries(RetryPolicy) retry policy} says. A failed upload is aborted, so neither an object nor orphan parts remain; content shorter than
 * one part is a single PutObject. Either way the object appears only when complete. {@link #abortStaleUploads}
 * removes uploads left behind by a crashed process.
 *
 * <p>Retries: the requests of a write (PutObject, each part of a multipart upload) are retried here, because their
 * content is consumed as it is sent; every other call makes one request and reports a transient failure as
 * {@linkplain StorageException#retryable() retryable}, for the engine's retry wrapper (installed by
 * {@code BackupKit.build()}) to retry. The S3 client this provider builds has the SDK's own retries off, so those are
 * the only retries. A client the host passes in ({@link Builder#client}) keeps its own retry settings, which then
 * govern every request, and neither this provider nor the engine's wrapper adds attempts on top
 * ({@link #internalRetries()} is {@code ALL}).
 *
 * <p>Failures are {@link StorageException}s that name the bucket, key and action and say what to do (missing
 * bucket, wrong region, access denied, bad credentials), with the SDK exception as cause. Credentials never
 * appear in logs, messages or {@link #toString()}.
 *
 * <pre>{@code
 * S3StorageProvider storage = S3StorageProvider.builder()
 *         .bucket("acme-backups").keyPrefix("shop/").region("eu-central-1")
 *         .sseKms("arn:aws:kms:eu-central-1:111122223333:key/...")
 *         .build();
 * }</pre>
 */
public final class S3StorageProvider implements StorageProvider {
    private static final Logger LOG = LoggerFactory.getLogger(S3StorageProvider.class);
    /** S3's longest object key, in UTF-8 bytes. */
    static final int MAX_S3_KEY_BYTES = 1024;

    private final S3Settings settings;
    private final S3Calls s3;
    private final Retrier retrier;
    private final S3Errors errors;
    private final MultipartWriter writer;
    private final ExecutorService uploadPool;
    private final String description;
    private final InternalRetries internalRetries;
    private volatile boolean bucketConfirmed;

    private S3StorageProvider(S3Settings settings, S3Calls s3, Retrier retrier, InternalRetries internalRetries,
                              String regionName, URI endpoint) {
        this.settings = settings;
        this.s3 = s3;
        this.retrier = retrier;
        this.internalRetries = internalRetries;
        this.errors = new S3Errors(settings.bucket(), regionName, endpoint == null ? null : endpoint.toString());
        this.uploadPool = Executors.newCachedThreadPool(new UploadThreads());
        this.writer = new MultipartWriter(settings, s3, retrier, errors, uploadPool);
        this.description = "s3://" + settings.bucket() + "/" + settings.keyPrefix() + " (region " + regionName
                + (endpoint == null ? "" : ", endpoint " + endpoint) + ")";
    }

    /** A builder; {@link Builder#bucket} is required, everything else has defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The bucket. */
    public String bucket() {
        return settings.bucket();
    }

    /** The prefix in front of every key: empty, or ending in {@code /}. */
    public String keyPrefix() {
        return settings.keyPrefix();
    }

    @Override
    public void put(String key, ContentSource source) {
        String objectKey = objectKey(key);
        Objects.requireNonNull(source, "source");
        try (InputStream in = source.open()) {
            writer.write(objectKey, in, source.length());
        } catch (IOException e) {
            throw new StorageException("could not read the content for s3://" + settings.bucket() + "/" + objectKey
                    + ": " + e.getMessage() + "; nothing was stored", false, e);
        }
    }

    @Override
    public InputStream get(String key) {
        return open(key, objectKey(key), null);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        String objectKey = objectKey(key);
        Objects.requireNonNull(range, "range");
        if (range.length().isPresent() && range.length().getAsLong() == 0) {
            if (stat(key).isEmpty()) {
                throw new BlobNotFoundException(key);
            }
            return InputStream.nullInputStream();
        }
        if (range.offset() == 0 && range.length().isEmpty()) {
            return open(key, objectKey, null);
        }
        String header = "bytes=" + range.offset() + "-"
                + (range.length().isPresent() ? String.valueOf(range.offset() + range.length().getAsLong() - 1) : "");
        return open(key, objectKey, header);
    }

    private InputStream open(String key, String objectKey, String rangeHeader) {
        GetObjectRequest request = GetObjectRequest.builder().bucket(settings.bucket()).key(objectKey)
                .range(rangeHeader).build();
        try {
            ResponseInputStream<GetObjectResponse> response = s3.getObject(request);
            return new ObjectInputStream(response);
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(key, e);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                return InputStream.nullInputStream(); // the object exists; the range starts at or after its end
            }
            if (e.statusCode() == 404 && "NoSuchKey".equals(S3Errors.errorCode(e))) {
                throw new BlobNotFoundException(key, e);
            }
            throw errors.translate(e, "GetObject", objectKey);
        } catch (SdkException e) {
            throw errors.translate(e, "GetObject", objectKey);
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        String objectKey = objectKey(key);
        HeadObjectRequest request = HeadObjectRequest.builder().bucket(settings.bucket()).key(objectKey).build();
        try {
            HeadObjectResponse head = s3.headObject(request);
            return Optional.of(new BlobInfo(key, head.contentLength(), head.lastModified()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                // A HEAD answer has no body, so a missing bucket looks like a missing key: rule it out once.
                confirmBucketExists();
                return Optional.empty();
            }
            throw errors.translate(e, "HeadObject", objectKey);
        } catch (SdkException e) {
            throw errors.translate(e, "HeadObject", objectKey);
        }
    }

    private void confirmBucketExists() {
        if (bucketConfirmed) {
            return;
        }
        try {
            s3.headBucket(HeadBucketRequest.builder().bucket(settings.bucket()).build());
            bucketConfirmed = true;
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                return; // may not ListBucket: the key is what is missing, as far as we can tell
            }
            throw errors.translate(e, "HeadBucket", null);
        } catch (SdkException e) {
            throw errors.translate(e, "HeadBucket", null);
        }
    }

    /**
     * Checks that the bucket exists and is reachable in the configured region. Throws {@link StorageException}
     * saying what is wrong; access denied to {@code s3:ListBucket} is not a failure (write-only credentials).
     */
    public void checkBucket() {
        bucketConfirmed = false;
        confirmBucketExists();
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        StorageKeys.requirePrefix(prefix);
        String fullPrefix = settings.keyPrefix() + prefix;
        return StreamSupport.stream(new ListingSpliterator(fullPrefix), false);
    }

    /** Pages through ListObjectsV2 as the stream is consumed. */
    private final class ListingSpliterator extends Spliterators.AbstractSpliterator<BlobInfo> {
        private final String fullPrefix;
        private Iterator<S3Object> page = java.util.Collections.emptyIterator();
        private String continuationToken;
        private boolean lastPage;

        ListingSpliterator(String fullPrefix) {
            super(Long.MAX_VALUE, Spliterator.NONNULL | Spliterator.DISTINCT);
            this.fullPrefix = fullPrefix;
        }

        @Override
        public boolean tryAdvance(Consumer<? super BlobInfo> action) {
            while (true) {
                while (page.hasNext()) {
                    S3Object object = page.next();
                    String key = object.key().substring(settings.keyPrefix().length());
                    if (StorageKeys.isValidKey(key)) {
                        action.accept(new BlobInfo(key, object.size(), object.lastModified()));
                        return true;
                    }
                    LOG.debug("list skips s3://{}/{}: not a valid storage key (written by another tool?)",
                            settings.bucket(), object.key());
                }
                if (lastPage) {
                    return false;
                }
                fetchPage();
            }
        }

        private void fetchPage() {
            ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(settings.bucket())
                    .prefix(fullPrefix.isEmpty() ? null : fullPrefix).continuationToken(continuationToken).build();
            ListObjectsV2Response response;
            try {
                response = s3.listObjectsV2(request);
            } catch (SdkException e) {
                throw errors.translate(e, "ListObjectsV2", fullPrefix.isEmpty() ? null : fullPrefix);
            }
            page = response.contents().iterator();
            continuationToken = response.nextContinuationToken();
            lastPage = !Boolean.TRUE.equals(response.isTruncated()) || continuationToken == null;
        }
    }

    @Override
    public void delete(String key) {
        String objectKey = objectKey(key);
        DeleteObjectRequest request = DeleteObjectRequest.builder().bucket(settings.bucket()).key(objectKey).build();
        try {
            s3.deleteObject(request);
        } catch (NoSuchKeyException e) {
            LOG.trace("delete of missing {}: nothing to do", target(objectKey));
        } catch (SdkException e) {
            throw errors.translate(e, "DeleteObject", objectKey);
        }
    }

    /**
     * Aborts the multipart uploads under this provider's key prefix that were started more than
     * {@code olderThan} ago: what a crashed or killed process left behind (its parts are stored and billed
     * until aborted). Uploads in progress elsewhere are younger than any sensible {@code olderThan} (e.g. a day).
     *
     * @return how many uploads were aborted
     */
    public int abortStaleUploads(Duration olderThan) {
        Objects.requireNonNull(olderThan, "olderThan");
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative, was " + olderThan);
        }
        Instant cutoff = Instant.now().minus(olderThan);
        int aborted = 0;
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            ListMultipartUploadsRequest request = ListMultipartUploadsRequest.builder().bucket(settings.bucket())
                    .prefix(settings.keyPrefix().isEmpty() ? null : settings.keyPrefix())
                    .keyMarker(keyMarker).uploadIdMarker(uploadIdMarker).build();
            ListMultipartUploadsResponse response;
            try {
                response = retrier.call("ListMultipartUploads of " + settings.bucket(),
                        () -> s3.listMultipartUploads(request));
            } catch (SdkException e) {
                throw errors.translate(e, "ListMultipartUploads", null);
            }
            for (MultipartUpload upload : response.uploads()) {
                if (upload.initiated() != null && upload.initiated().isBefore(cutoff)) {
                    AbortMultipartUploadRequest abort = AbortMultipartUploadRequest.builder()
                            .bucket(settings.bucket()).key(upload.key()).uploadId(upload.uploadId()).build();
                    try {
                        retrier.run("AbortMultipartUpload of " + target(upload.key()),
                                () -> s3.abortMultipartUpload(abort));
                    } catch (S3Exception e) {
                        if (!"NoSuchUpload".equals(S3Errors.errorCode(e))) {
                            throw errors.translate(e, "AbortMultipartUpload", upload.key());
                        }
                        continue; // finished or aborted meanwhile
                    } catch (SdkException e) {
                        throw errors.translate(e, "AbortMultipartUpload", upload.key());
                    }
                    aborted++;
                    LOG.info("aborted stale multipart upload of {} started {}", target(upload.key()),
                            upload.initiated());
                }
            }
            if (!Boolean.TRUE.equals(response.isTruncated())) {
                return aborted;
            }
            keyMarker = response.nextKeyMarker();
            uploadIdMarker = response.nextUploadIdMarker();
        }
    }

    @Override
    public String description() {
        return description;
    }

    /**
     * {@code PUT} with a client this provider built (its write requests are retried here, the rest by the engine's
     * wrapper); {@code ALL} with the host's client, whose own retry settings apply to every request.
     */
    @Override
    public InternalRetries internalRetries() {
        return internalRetries;
    }

    @Override
    public String toString() {
        return "S3StorageProvider[" + description + "]";
    }

    @Override
    public void close() {
        uploadPool.shutdown();
        s3.close();
    }

    private String objectKey(String key) {
        StorageKeys.requireKey(key);
        String objectKey = settings.keyPrefix() + key;
        if (objectKey.getBytes(StandardCharsets.UTF_8).length > MAX_S3_KEY_BYTES) {
            throw new IllegalArgumentException("storage key '" + key + "' is too long for S3 behind the key prefix '"
                    + settings.keyPrefix() + "': S3 keys are at most " + MAX_S3_KEY_BYTES + " bytes");
        }
        return objectKey;
    }

    private String target(String objectKey) {
        return "s3://" + settings.bucket() + "/" + objectKey;
    }

    private static final class UploadThreads implements ThreadFactory {
        private static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "backupkit-s3-upload-" + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    /**
     * Configures an {@link S3StorageProvider}. Every setter checks its value at once; {@link #build()} checks the
     * combination. Either the connection settings (region, endpoint, path style, credentials) or an existing
     * client are given, not both.
     */
    public static final class Builder {
        /** Default part size: 16 MiB, so objects up to 160 GB fit S3's 10,000 parts. */
        public static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
        /** Default parts in flight: 4 (64 MiB of buffers per upload with the default part size). */
        public static final int DEFAULT_PARTS_IN_FLIGHT = 4;
        /** S3's smallest part (except the last). */
        public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
        /** The largest part held in one Java array. */
        public static final int MAX_PART_SIZE = Integer.MAX_VALUE - 64;
        private static final int MAX_PARTS_IN_FLIGHT = 32;
        private static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(5);
        private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");
        private static final Pattern REGION_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

        private String bucket;
        private String keyPrefix;
        private String region;
        private URI endpoint;
        private Boolean pathStyle;
        private AwsCredentialsProvider credentials;
        private String credentialsCall;
        private ServerSideEncryption encryption;
        private String kmsKeyId;
        private String encryptionCall;
        private StorageClass storageClass;
        private Integer partSize;
        private Integer partsInFlight;
        private RetryPolicy retries;
        private S3Client client;
        private S3AsyncClient asyncClient;
        private Boolean verifyPartEtags;

        private Builder() {
        }

        /** The bucket (required). */
        public Builder bucket(String bucket) {
            Objects.requireNonNull(bucket, "bucket");
            Require.argument(BUCKET_NAME.matcher(bucket).matches() && !bucket.contains(".."), "bucket: invalid S3 bucket"
                    + " name '%s': 3-63 characters of a-z 0-9 . - _, starting and ending with a letter or digit", bucket);
            this.bucket = Require.once(this.bucket, bucket, "bucket");
            return this;
        }

        /**
         * A prefix for every key, like a folder: {@code shop/prod} stores key {@code x} as {@code shop/prod/x}.
         * Empty (the default) uses the bucket's root.
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            String trimmed = keyPrefix.endsWith("/") ? keyPrefix.substring(0, keyPrefix.length() - 1) : keyPrefix;
            if (!trimmed.isEmpty()) {
                try {
                    StorageKeys.requireKey(trimmed);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("keyPrefix: invalid S3 key prefix: " + e.getMessage(), e);
                }
            }
            Require.unset(this.keyPrefix, "keyPrefix");
            this.keyPrefix = trimmed.isEmpty() ? "" : trimmed + "/";
            return this;
        }

        /** The region, e.g. {@code eu-central-1}; by default the SDK's region chain (AWS_REGION, profile). */
        public Builder region(String region) {
            Objects.requireNonNull(region, "region");
            Require.argument(REGION_NAME.matcher(region).matches(), "region: invalid AWS region '%s': expected a name"
                    + " like eu-central-1", region);
            this.region = connectionSetting(this.region, region, "region");
            return this;
        }

        /** The endpoint of an S3-compatible service, e.g. {@code https://minio.example.com:9000}. */
        public Builder endpointOverride(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpointOverride");
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            // the endpoint is not shown when it carries user information: that may be a secret
            Require.argument(endpoint.getRawUserInfo() == null, "endpointOverride: the S3 endpoint must not contain"
                    + " credentials: configure them with staticCredentials, a profile or the default chain");
            Require.argument((scheme.equals("http") || scheme.equals("https")) && endpoint.getHost() != null,
                    "endpointOverride: invalid S3 endpoint '%s': expected http(s)://host[:port]", endpoint);
            this.endpoint = connectionSetting(this.endpoint, endpoint, "endpointOverride");
            return this;
        }

        /** Path-style addressing ({@code host/bucket/key}), which most S3-compatible services need. */
        public Builder pathStyleAccess(boolean pathStyle) {
            this.pathStyle = connectionSetting(this.pathStyle, pathStyle, "pathStyleAccess");
            return this;
        }

        /** Credentials from the SDK's default chain: environment, system properties, profile, container, instance. */
        public Builder defaultCredentials() {
            return credentials("defaultCredentials()", DefaultCredentialsProvider.builder().build());
        }

        /** Fixed keys. They are kept only inside the SDK's credentials object and never logged or shown. */
        public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
            Require.nonBlank("staticCredentials access key id", accessKeyId);
            requireSecret("staticCredentials secret access key", secretAccessKey);
            return credentials("staticCredentials(...)", StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    accessKeyId, secretAccessKey)));
        }

        /** Fixed temporary keys with their session token. */
        public Builder staticCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
            Require.nonBlank("staticCredentials access key id", accessKeyId);
            requireSecret("staticCredentials secret access key", secretAccessKey);
            requireSecret("staticCredentials session token", sessionToken);
            return credentials("staticCredentials(...)", StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    accessKeyId, secretAccessKey, sessionToken)));
        }

        /** A named profile of {@code ~/.aws/credentials} / {@code ~/.aws/config}. */
        public Builder profile(String profileName) {
            Require.nonBlank("profile", profileName);
            return credentials("profile(" + profileName + ")", ProfileCredentialsProvider.create(profileName));
        }

        /** Any SDK credentials provider (assume-role, SSO, web identity, ...). */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            Objects.requireNonNull(provider, "credentialsProvider");
            return credentials("credentialsProvider(...)", provider);
        }

        /** The one way credentials are set: the five credential methods replace each other, so only one may be called. */
        private Builder credentials(String call, AwsCredentialsProvider provider) {
            Require.state(credentialsCall == null, "%s: the credentials were already set by %s; set them once", call,
                    credentialsCall);
            connection(call);
            this.credentialsCall = call;
            this.credentials = provider;
            return this;
        }

        private static void requireSecret(String setting, String value) {
            Objects.requireNonNull(value, setting);
            Require.argument(!value.isBlank(), "the %s is empty", setting);
        }

        /** Server-side encryption with S3-managed keys (SSE-S3, AES256). */
        public Builder sseS3() {
            return encryption("sseS3()", ServerSideEncryption.AES256, null);
        }

        /** Server-side encryption with a KMS key (SSE-KMS): its id, ARN or alias. */
        public Builder sseKms(String kmsKeyId) {
            Require.nonBlank("sseKms key id", kmsKeyId);
            return encryption("sseKms(" + kmsKeyId + ")", ServerSideEncryption.AWS_KMS, kmsKeyId);
        }

        /** Server-side encryption with the account's AWS-managed KMS key ({@code aws/s3}). */
        public Builder sseKms() {
            return encryption("sseKms()", ServerSideEncryption.AWS_KMS, null);
        }

        private Builder encryption(String call, ServerSideEncryption kind, String keyId) {
            Require.state(encryptionCall == null, "%s: the encryption was already set by %s; call one of sseS3() or"
                    + " sseKms(...) once", call, encryptionCall);
            this.encryptionCall = call;
            this.encryption = kind;
            this.kmsKeyId = keyId;
            return this;
        }

        /** The storage class for new objects, e.g. {@code STANDARD_IA}; by default the bucket's. */
        public Builder storageClass(String storageClass) {
            Require.nonBlank("storageClass", storageClass);
            StorageClass parsed = StorageClass.fromValue(storageClass.trim().toUpperCase(Locale.ROOT));
            Require.argument(parsed != null && parsed != StorageClass.UNKNOWN_TO_SDK_VERSION, "storageClass: unknown S3"
                    + " storage class '%s': use one of %s", storageClass, StorageClass.knownValues());
            this.storageClass = Require.once(this.storageClass, parsed, "storageClass");
            return this;
        }

        /** Bytes per multipart part, at least 5 MiB; also the largest object sent with one PutObject. */
        public Builder partSize(long bytes) {
            Require.argument(bytes >= MIN_PART_SIZE && bytes <= MAX_PART_SIZE, "partSize: S3 part size must be between %d"
                    + " (5 MiB) and %d bytes, was %d", MIN_PART_SIZE, MAX_PART_SIZE, bytes);
            this.partSize = Require.once(this.partSize, (int) bytes, "partSize");
            return this;
        }

        /** How many parts of one upload may be buffered and sent at once (memory = part size x this). */
        public Builder partsInFlight(int parts) {
            Require.argument(parts >= 1 && parts <= MAX_PARTS_IN_FLIGHT, "partsInFlight: S3 parts in flight must be"
                    + " between 1 and %d, was %d", MAX_PARTS_IN_FLIGHT, parts);
            this.partsInFlight = Require.once(this.partsInFlight, parts, "partsInFlight");
            return this;
        }

        /**
         * How the requests of a write are retried: PutObject, and each part of a multipart upload on its own (with
         * its CreateMultipartUpload, CompleteMultipartUpload and AbortMultipartUpload); default
         * {@link RetryPolicy#DEFAULT}. The numbers mean what they mean everywhere ({@code maxAttempts} counts the
         * first attempt). Other calls are retried by the engine's retry wrapper, with the engine's policy.
         *
         * @throws IllegalStateException when set twice, or when the host's client was given (its own retry
         *                               settings apply: configure them on that client)
         */
        public Builder retries(RetryPolicy policy) {
            Objects.requireNonNull(policy, "retries");
            Require.state(retries == null, "S3 retries were already set (to %s): set them once", retries);
            if (client != null || asyncClient != null) {
                throw hostClientRetries();
            }
            this.retries = policy;
            return this;
        }

        private static IllegalStateException hostClientRetries() {
            return new IllegalStateException("retries(...) and client(...) conflict: a host-supplied S3 client keeps its"
                    + " own retry settings (configure them on that client's RetryStrategy), and BackupKit adds no"
                    + " attempts on top");
        }

        /**
         * Whether the ETag S3 returns for each part is checked against the MD5 of the bytes sent (default on; never
         * with SSE-KMS, whose ETags are not MD5s). A mismatch means the service stored other bytes: the part is
         * sent again. Turn it off only for an S3-compatible service whose ETags look like MD5s but are not.
         */
        public Builder verifyPartEtags(boolean verify) {
            this.verifyPartEtags = Require.once(this.verifyPartEtags, verify, "verifyPartEtags");
            return this;
        }

        /**
         * Uses the host's client, whose region, endpoint, credentials and SDK retry settings apply; it is not closed
         * by {@link S3StorageProvider#close()}. Its retry settings govern every request, parts included: neither this
         * provider nor the engine's retry wrapper adds attempts on top (so {@link #retries} cannot be set too).
         *
         * @throws IllegalStateException when a client, a connection setting (region, endpoint, path style,
         *                               credentials) or retries were set before
         */
        public Builder client(S3Client client) {
            Objects.requireNonNull(client, "client");
            hostClient("client(...)");
            this.client = client;
            return this;
        }

        /** Uses the host's asynchronous client, like {@link #client(S3Client)}. */
        public Builder asyncClient(S3AsyncClient client) {
            Objects.requireNonNull(client, "asyncClient");
            hostClient("asyncClient(...)");
            this.asyncClient = client;
            return this;
        }

        private void hostClient(String call) {
            Require.state(client == null && asyncClient == null, "%s and %s conflict: pass either an S3Client or an"
                    + " S3AsyncClient, once", call, client != null ? "client(...)" : "asyncClient(...)");
            String connection = region != null ? "region(...)" : endpoint != null ? "endpointOverride(...)"
                    : pathStyle != null ? "pathStyleAccess(...)" : credentialsCall;
            Require.state(connection == null, "%s and %s conflict: region, endpoint, path style and credentials come from"
                    + " the S3 client passed in: configure them on that client, not on this builder", call, connection);
            if (retries != null) {
                throw hostClientRetries();
            }
        }

        /** A connection setting's checks: set once, and not with a host-supplied client, which has it already. */
        private <T> T connectionSetting(T current, T value, String setting) {
            Require.once(current, value, setting);
            connection(setting + "(...)");
            return value;
        }

        /** A connection setting, which a host-supplied client already has. */
        private void connection(String call) {
            Require.state(client == null && asyncClient == null, "%s and %s conflict: region, endpoint, path style and"
                    + " credentials come from the S3 client passed in: configure them on that client, not on this builder",
                    call, client != null ? "client(...)" : "asyncClient(...)");
        }

        /** Builds the provider; makes no network call (see {@link S3StorageProvider#checkBucket()}). */
        public S3StorageProvider build() {
            if (bucket == null) {
                throw new ConfigurationException("no S3 bucket configured: call bucket(...)");
            }
            int partsInFlight = this.partsInFlight != null ? this.partsInFlight : DEFAULT_PARTS_IN_FLIGHT;
            S3Settings settings = new S3Settings(bucket, keyPrefix != null ? keyPrefix : "",
                    partSize != null ? partSize : DEFAULT_PART_SIZE, partsInFlight, encryption, kmsKeyId, storageClass,
                    verifyPartEtags == null || verifyPartEtags);
            if (client != null || asyncClient != null) {
                S3Calls calls = client != null ? S3Calls.of(client, false) : S3Calls.of(asyncClient, false);
                URI clientEndpoint = client != null ? client.serviceClientConfiguration().endpointOverride().orElse(null)
                        : asyncClient.serviceClientConfiguration().endpointOverride().orElse(null);
                // The host's client retries every request its own way: add nothing, here or in the engine's wrapper.
                return new S3StorageProvider(settings, calls, new Retrier(RetryPolicy.NONE), InternalRetries.ALL,
                        calls.region().id(), clientEndpoint);
            }
            Region resolvedRegion = resolveRegion();
            S3Client built;
            try {
                built = S3Client.builder()
                        .region(resolvedRegion)
                        .credentialsProvider(credentials != null ? credentials
                                : DefaultCredentialsProvider.builder().build())
                        .endpointOverride(endpoint)
                        .forcePathStyle(pathStyle != null && pathStyle)
                        // CompleteMultipartUpload of a large object can take minutes on services that, unlike AWS,
                        // send nothing while they assemble it; a short read timeout would fail and repeat it.
                        .httpClientBuilder(Apache5HttpClient.builder().socketTimeout(SOCKET_TIMEOUT)
                                .connectionTimeout(Duration.ofSeconds(10))
                                .maxConnections(Math.max(50, 2 * partsInFlight + 8)))
                        // Retries are the provider's (per part) and the engine's wrapper's: the SDK's would multiply them.
                        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build();
            } catch (SdkException e) {
                throw new ConfigurationException("cannot create the S3 client: " + e.getMessage(), e);
            }
            return new S3StorageProvider(settings, S3Calls.of(built, true),
                    new Retrier(retries != null ? retries : RetryPolicy.DEFAULT), InternalRetries.PUT, resolvedRegion.id(),
                    endpoint);
        }

        private Region resolveRegion() {
            if (region != null) {
                return Region.of(region);
            }
            try {
                return DefaultAwsRegionProviderChain.builder().build().getRegion();
            } catch (SdkException e) {
                if (endpoint != null) {
                    return Region.US_EAST_1; // S3-compatible services mostly ignore the region; signing needs one
                }
                throw new ConfigurationException("no AWS region configured: call region(...) (or set AWS_REGION,"
                        + " or region= in the s3: URI) to the bucket's region", e);
            }
        }

        /** Shows the configuration, never the credentials. */
        @Override
        public String toString() {
            return "S3StorageProvider.Builder[bucket=" + bucket + ", keyPrefix=" + keyPrefix + ", region=" + region
                    + ", endpoint=" + endpoint + ", partSize=" + partSize + ", partsInFlight=" + partsInFlight + "]";
        }
    }

    /** For tests in this package: how write requests are retried here. */
    RetryPolicy writeRetries() {
        return retrier.policy();
    }

    /** For tests in this package: the settings in effect. */
    S3Settings settings() {
        return settings;
    }
}
