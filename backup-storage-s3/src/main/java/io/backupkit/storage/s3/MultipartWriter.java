package io.backupkit.storage.s3;

import io.backupkit.api.CancelledException;
import io.backupkit.api.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Writes one object from a stream of any length. The first part-size of bytes is read; if the stream ends
 * within it, a single PutObject stores it. Otherwise a multipart upload starts: the reading thread fills one
 * buffer at a time and hands it to the upload pool, at most {@code partsInFlight} buffers exist at once (the
 * memory bound), every part carries a CRC32C and a Content-MD5 that S3 checks (and its returned ETag is checked
 * against the MD5 where it is one), and each part is retried on transient failures.
 * Any failure, including the source stream throwing or the thread being interrupted, aborts the upload after
 * the parts in flight have stopped, so S3 keeps no orphan parts and no object appears.
 */
final class MultipartWriter {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartWriter.class);
    /** S3's limit on parts per upload. */
    static final int MAX_PARTS = 10_000;
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern MULTIPART_ETAG = Pattern.compile("[0-9a-f]{32}-\\d+");

    private final S3Settings settings;
    private final S3Calls s3;
    private final Retrier retrier;
    private final S3Errors errors;
    private final ExecutorService uploadPool;

    MultipartWriter(S3Settings settings, S3Calls s3, Retrier retrier, S3Errors errors, ExecutorService uploadPool) {
        this.settings = settings;
        this.s3 = s3;
        this.retrier = retrier;
        this.errors = errors;
        this.uploadPool = uploadPool;
    }

    /** Stores everything {@code in} gives under {@code objectKey}; {@code declaredLength} is checked when present. */
    void write(String objectKey, InputStream in, OptionalLong declaredLength) throws IOException {
        int partSize = settings.partSize();
        if (declaredLength.isPresent() && declaredLength.getAsLong() > (long) partSize * MAX_PARTS) {
            throw new StorageException("object s3://" + settings.bucket() + "/" + objectKey + " of "
                    + declaredLength.getAsLong() + " bytes needs more than " + MAX_PARTS + " parts of " + partSize
                    + " bytes: configure a part size of at least " + ceilDiv(declaredLength.getAsLong(), MAX_PARTS)
                    + " bytes", false);
        }
        int firstBufferSize = declaredLength.isPresent() && declaredLength.getAsLong() < partSize
                ? (int) declaredLength.getAsLong() + 1 : partSize;
        byte[] first = new byte[Math.max(1, firstBufferSize)];
        int n = in.readNBytes(first, 0, Math.min(first.length, partSize));
        if (n < partSize) {
            checkLength(objectKey, declaredLength, n);
            putSingle(objectKey, first, n);
            return;
        }
        new Upload(objectKey, declaredLength).run(in, first);
    }

    private void putSingle(String objectKey, byte[] buffer, int length) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(settings.bucket()).key(objectKey)
                .contentLength((long) length).contentType("application/octet-stream")
                .contentMD5(Base64.getEncoder().encodeToString(md5(buffer, length)))
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(crc32c(buffer, length));
        settings.applyTo(request);
        PutObjectRequest built = request.build();
        try {
            retrier.run("PutObject of s3://" + settings.bucket() + "/" + objectKey,
                    () -> s3.putObject(built, buffer, length));
        } catch (SdkException e) {
            throw errors.translate(e, "PutObject", objectKey);
        }
        LOG.debug("stored s3://{}/{} ({} bytes, single PutObject)", settings.bucket(), objectKey, length);
    }

    private void checkLength(String objectKey, OptionalLong declared, long actual) {
        if (declared.isPresent() && declared.getAsLong() != actual) {
            throw new StorageException("the content for s3://" + settings.bucket() + "/" + objectKey + " declared "
                    + declared.getAsLong() + " bytes but gave " + actual + ": nothing was stored", false);
        }
    }

    static byte[] md5(byte[] buffer, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(buffer, 0, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /**
     * Fails the part like S3's BadDigest (so it is sent again) when the ETag S3 returned is an MD5 that differs
     * from the MD5 of the bytes sent: the service stored other bytes. AWS S3 already refuses such parts by their
     * CRC32C and Content-MD5; this catches S3-compatible services that check neither.
     */
    private void verifyEtag(String etag, byte[] md5, String what) {
        if (!settings.etagIsMd5() || etag == null) {
            return;
        }
        String hex = unquote(etag);
        if (!MD5_HEX.matcher(hex).matches()) {
            return; // not an MD5 (encrypted, or the service's own scheme)
        }
        String expected = HexFormat.of().formatHex(md5);
        if (!hex.equals(expected)) {
            String message = what + " was stored with ETag " + hex + " but the MD5 of the bytes sent is " + expected
                    + ": the bytes were changed on the way (if this S3-compatible service's ETags are not MD5s, turn"
                    + " the check off with verifyPartEtags(false))";
            throw S3Exception.builder().statusCode(400).message(message)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("BadDigest").errorMessage(message)
                            .serviceName("S3").build())
                    .build();
        }
    }

    static String unquote(String etag) {
        return etag == null ? "" : etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
    }

    static String crc32c(byte[] buffer, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer, 0, length);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** One multipart upload in progress. */
    private final class Upload {
        private final String objectKey;
        private final String target;
        private final OptionalLong declaredLength;
        private final Semaphore buffersFree;
        private final ConcurrentLinkedQueue<byte[]> spareBuffers = new ConcurrentLinkedQueue<>();
        private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        private final List<Future<CompletedPart>> parts = new ArrayList<>();
        /** Part tasks that have started and not finished; its monitor signals each finish. */
        private final AtomicInteger running = new AtomicInteger();
        private volatile boolean stopped;
        private final Map<Integer, byte[]> partMd5s = new ConcurrentHashMap<>();
        private String uploadId;

        Upload(String objectKey, OptionalLong declaredLength) {
            this.objectKey = objectKey;
            this.target = "s3://" + settings.bucket() + "/" + objectKey;
            this.declaredLength = declaredLength;
            this.buffersFree = new Semaphore(settings.partsInFlight());
        }

        void run(InputStream in, byte[] firstPart) throws IOException {
            CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
                    .bucket(settings.bucket()).key(objectKey).contentType("application/octet-stream")
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
            settings.applyTo(create);
            CreateMultipartUploadRequest createRequest = create.build();
            try {
                uploadId = retrier.call("CreateMultipartUpload of " + target,
                        () -> s3.createMultipartUpload(createRequest)).uploadId();
            } catch (SdkException e) {
                throw errors.translate(e, "CreateMultipartUpload", objectKey);
            }
            LOG.debug("started multipart upload {} for {}", uploadId, target);
            boolean completed = false;
            try {
                long total = sendParts(in, firstPart);
                List<CompletedPart> done = awaitParts();
                checkLength(objectKey, declaredLength, total);
                complete(done, total);
                completed = true;
                LOG.debug("stored {} ({} bytes in {} parts)", target, total, done.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("upload of " + target + " was interrupted; the multipart upload was"
                        + " aborted", e);
            } finally {
                if (!completed) {
                    abort();
                }
            }
        }

        /** Reads the stream part by part and queues each part; returns the bytes read. */
        private long sendParts(InputStream in, byte[] firstPart) throws IOException, InterruptedException {
            buffersFree.acquire();
            submit(1, firstPart, firstPart.length);
            int partNumber = 1;
            long total = firstPart.length;
            while (true) {
                buffersFree.acquire();
                boolean handedOver = false;
                try {
                    rethrowPartFailure();
                    byte[] buffer = spareBuffers.poll();
                    if (buffer == null) {
                        buffer = new byte[settings.partSize()];
                    }
                    int n = in.readNBytes(buffer, 0, buffer.length);
                    if (n == 0) {
                        spareBuffers.add(buffer);
                        return total;
                    }
                    if (++partNumber > MAX_PARTS) {
                        throw new StorageException("the content for " + target + " is larger than " + MAX_PARTS
                                + " parts of " + settings.partSize() + " bytes (" + total + " bytes read so far),"
                                + " S3's limit: configure a larger part size", false);
                    }
                    handedOver = true;
                    submit(partNumber, buffer, n);
                    total += n;
                    if (n < buffer.length) {
                        return total;
                    }
                } finally {
                    if (!handedOver) {
                        buffersFree.release();
                    }
                }
            }
        }

        /** Queues a part; the task gives its buffer back (and its permit) when done. Takes over one permit. */
        private void submit(int partNumber, byte[] buffer, int length) {
            try {
                parts.add(uploadPool.submit(() -> {
                    running.incrementAndGet();
                    try {
                        if (stopped) {
                            throw new CancelledException("part " + partNumber + " of " + target + " not sent: the"
                                    + " upload is being aborted");
                        }
                        return uploadPart(partNumber, buffer, length);
                    } catch (Throwable t) {
                        firstFailure.compareAndSet(null, t);
                        throw t;
                    } finally {
                        if (buffer.length == settings.partSize()) {
                            spareBuffers.add(buffer);
                        }
                        buffersFree.release();
                        synchronized (running) {
                            running.decrementAndGet();
                            running.notifyAll();
                        }
                    }
                }));
            } catch (RejectedExecutionException e) {
                buffersFree.release();
                throw new StorageException("cannot upload " + target + ": the S3 storage provider is closed", false, e);
            }
        }

        private CompletedPart uploadPart(int partNumber, byte[] buffer, int length) {
            if (firstFailure.get() != null) {
                throw new CancelledException("part " + partNumber + " of " + target + " not sent: an earlier part"
                        + " failed");
            }
            String checksum = crc32c(buffer, length);
            byte[] md5 = md5(buffer, length);
            partMd5s.put(partNumber, md5);
            UploadPartRequest request = UploadPartRequest.builder().bucket(settings.bucket()).key(objectKey)
                    .uploadId(uploadId).partNumber(partNumber).contentLength((long) length)
                    .contentMD5(Base64.getEncoder().encodeToString(md5))
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(checksum).build();
            String what = "part " + partNumber + " of " + target;
            UploadPartResponse response;
            try {
                response = retrier.call("UploadPart " + partNumber + " of " + target, () -> {
                    UploadPartResponse answer = s3.uploadPart(request, buffer, length);
                    verifyEtag(answer.eTag(), md5, what);
                    return answer;
                });
            } catch (SdkException e) {
                throw errors.translate(e, "UploadPart", objectKey);
            }
            return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).checksumCRC32C(checksum)
                    .build();
        }

        private void rethrowPartFailure() {
            Throwable failure = firstFailure.get();
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
        }

        private List<CompletedPart> awaitParts() throws InterruptedException {
            List<CompletedPart> done = new ArrayList<>(parts.size());
            for (Future<CompletedPart> future : parts) {
                try {
                    done.add(future.get());
                } catch (ExecutionException e) {
                    rethrowPartFailure();
                    throw new StorageException("upload of a part of " + target + " failed: " + e.getCause(), false,
                            e.getCause());
                }
            }
            done.sort(Comparator.comparingInt(CompletedPart::partNumber));
            return done;
        }

        private void complete(List<CompletedPart> done, long total) {
            CompleteMultipartUploadRequest request = CompleteMultipartUploadRequest.builder()
                    .bucket(settings.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(done).build()).build();
            String expectedEtag = expectedEtag(done.size());
            AtomicInteger attempts = new AtomicInteger();
            CompleteMultipartUploadResponse response;
            try {
                response = retrier.call("CompleteMultipartUpload of " + target, () -> {
                    attempts.incrementAndGet();
                    return s3.completeMultipartUpload(request);
                });
            } catch (S3Exception e) {
                if (attempts.get() > 1 && "NoSuchUpload".equals(S3Errors.errorCode(e)) && expectedEtag != null
                        && expectedEtag.equals(storedEtag())) {
                    // An earlier attempt completed the upload but its answer was lost (timeout, reset).
                    LOG.debug("{}: an earlier CompleteMultipartUpload had succeeded", target);
                    return;
                }
                throw errors.translate(e, "CompleteMultipartUpload", objectKey);
            } catch (SdkException e) {
                throw errors.translate(e, "CompleteMultipartUpload", objectKey);
            }
            String etag = unquote(response.eTag());
            if (expectedEtag != null && MULTIPART_ETAG.matcher(etag).matches() && !etag.equals(expectedEtag)) {
                throw new StorageException("S3 assembled " + target + " with ETag " + etag + " but the parts sent"
                        + " give " + expectedEtag + ": the stored object is not what was sent; write it again (if"
                        + " this S3-compatible service computes ETags its own way, use verifyPartEtags(false))", true);
            }
        }

        /** The ETag S3 gives a multipart object: MD5 of the parts' MD5s, dash, part count; null if not MD5-based. */
        private String expectedEtag(int partCount) {
            if (!settings.etagIsMd5()) {
                return null;
            }
            try {
                MessageDigest md5 = MessageDigest.getInstance("MD5");
                for (int part = 1; part <= partCount; part++) {
                    md5.update(partMd5s.get(part));
                }
                return HexFormat.of().formatHex(md5.digest()) + "-" + partCount;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has MD5", e);
            }
        }

        private String storedEtag() {
            try {
                return unquote(s3.headObject(HeadObjectRequest.builder().bucket(settings.bucket()).key(objectKey)
                        .build()).eTag());
            } catch (SdkException e) {
                return null;
            }
        }

        /**
         * Stops the parts in flight, then aborts the upload so S3 frees its parts. A part still being received
         * when S3 processes the abort could survive it, hence waiting until no part task runs. A failed abort is
         * logged with the upload id (the stale-upload clean-up finds it later) but never hides the failure that
         * caused it.
         */
        private void abort() {
            stopped = true;
            for (Future<CompletedPart> future : parts) {
                future.cancel(true);
            }
            boolean interrupted = Thread.interrupted();
            synchronized (running) {
                while (running.get() > 0) {
                    try {
                        running.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            AbortMultipartUploadRequest request = AbortMultipartUploadRequest.builder().bucket(settings.bucket())
                    .key(objectKey).uploadId(uploadId).build();
            try {
                retrier.run("AbortMultipartUpload of " + target, () -> s3.abortMultipartUpload(request));
                LOG.debug("aborted multipart upload {} for {}", uploadId, target);
            } catch (RuntimeException e) {
                LOG.error("could not abort multipart upload {} of {}: its parts stay stored (and billed) until"
                        + " abortStaleUploads or a bucket lifecycle rule removes them: {}", uploadId, target,
                        S3Errors.describeBriefly(e));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
