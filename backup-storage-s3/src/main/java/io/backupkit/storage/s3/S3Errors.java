package io.backupkit.storage.s3;

import io.backupkit.api.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Turns SDK exceptions into {@link StorageException}s that say what was wrong and what to do, and decides which
 * failures are worth retrying. Never puts credentials in a message: only the S3 error code and S3's own message
 * (which names no secret) are quoted.
 *
 * @param bucket       the bucket, for messages
 * @param regionName   the region the client signs for
 * @param endpointText the endpoint override, or null for AWS
 */
record S3Errors(String bucket, String regionName, String endpointText) {
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequestsException", "OperationAborted", "RequestTimeTooSkewed",
            // The bytes are in our buffer: a part that arrived corrupted is sent again.
            "BadDigest", "XAmzContentSHA256Mismatch", "IncompleteBody");
    private static final Set<String> WRONG_REGION_CODES = Set.of(
            "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "Redirect",
            "TemporaryRedirect");
    private static final Pattern REGION_ELEMENT = Pattern.compile("<Region>([a-z0-9-]+)</Region>");
    private static final Pattern EXPECTING_REGION = Pattern.compile("expecting '([a-z0-9-]+)'");
    private static final Pattern ENDPOINT_REGION = Pattern.compile("s3[.-]([a-z]{2}(?:-gov)?-[a-z]+-\\d)\\.amazonaws");

    /** Whether trying the same call again may succeed: throttling, 5xx, timeouts, broken connections. */
    static boolean isRetryable(Throwable failure) {
        if (failure instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = errorCode(service);
            return status >= 500 || status == 429 || RETRYABLE_CODES.contains(code) || service.isThrottlingException();
        }
        if (failure instanceof ApiCallAttemptTimeoutException || failure instanceof ApiCallTimeoutException) {
            return true;
        }
        if (failure instanceof AbortedException) {
            return false; // the thread was interrupted: the caller is stopping
        }
        if (failure instanceof SdkClientException) {
            return hasIoCause(failure);
        }
        return false;
    }

    static String errorCode(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        return details == null || details.errorCode() == null ? "" : details.errorCode();
    }

    private static String errorMessage(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        String message = details == null ? null : details.errorMessage();
        return message == null || message.isBlank() ? "(no message)" : message;
    }

    private static boolean hasIoCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * The exception for a failed call.
     *
     * @param action the S3 API action, e.g. {@code PutObject}
     * @param key    the full object key in the bucket, or null for a bucket-level call
     */
    StorageException translate(SdkException failure, String action, String key) {
        String target = key == null ? "bucket '" + bucket + "'" : "s3://" + bucket + "/" + key;
        if (failure instanceof AwsServiceException service) {
            return translateService(service, action, key, target);
        }
        boolean retryable = isRetryable(failure);
        if (retryable) {
            return new StorageException("S3 " + action + " of " + target + " failed: could not talk to S3"
                    + where() + " (" + rootMessage(failure) + "); this is usually transient, try again",
                    true, failure);
        }
        String text = String.valueOf(failure.getMessage());
        if (text.contains("Unable to load credentials") || text.contains("credentials") && text.contains("profile")) {
            return new StorageException("S3 " + action + " of " + target + " failed: no AWS credentials could be"
                    + " loaded (" + text + "): configure static keys, a named profile, or the default chain"
                    + " (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, instance role)", false, failure);
        }
        return new StorageException("S3 " + action + " of " + target + " failed: " + text, false, failure);
    }

    private StorageException translateService(AwsServiceException e, String action, String key, String target) {
        int status = e.statusCode();
        String code = errorCode(e);
        String s3Said = code.isEmpty() ? "HTTP " + status : "HTTP " + status + " " + code + ": " + errorMessage(e);
        if (code.equals("NoSuchBucket") || e instanceof NoSuchBucketException) {
            return new StorageException("bucket '" + bucket + "' does not exist in region " + regionName + where()
                    + ": create it or fix the name (S3 " + action + " answered " + s3Said + ")", false, e);
        }
        if (WRONG_REGION_CODES.contains(code) || status == 301 || status == 307 && key == null) {
            Optional<String> right = reportedRegion(e).filter(r -> !r.equals(regionName));
            String advice = right.map(r -> ": use region " + r + " (set region=" + r + ")")
                    .orElse(": S3 did not say which; find it with `aws s3api get-bucket-location --bucket " + bucket
                            + "` and set that region");
            return new StorageException("bucket '" + bucket + "' is not in region " + regionName
                    + right.map(r -> " but in " + r).orElse("") + advice + " (S3 " + action + " of " + target
                    + " answered " + s3Said + ")", false, e);
        }
        if (code.equals("InvalidAccessKeyId")) {
            return new StorageException("S3 does not know the access key id of the configured credentials"
                    + " (S3 " + action + " of " + target + " answered " + s3Said + "): check the access key,"
                    + " and that it belongs to this S3 service" + where(), false, e);
        }
        if (code.equals("SignatureDoesNotMatch")) {
            return new StorageException("S3 rejected the request signature (S3 " + action + " of " + target
                    + " answered " + s3Said + "): the secret access key does not belong to the access key id,"
                    + " or a proxy changed the request; check the configured credentials", false, e);
        }
        if (code.equals("ExpiredToken") || code.equals("InvalidToken") || code.equals("TokenRefreshRequired")) {
            return new StorageException("the session credentials were rejected as expired or invalid (S3 " + action
                    + " of " + target + " answered " + s3Said + "): refresh the session token or use other"
                    + " credentials", false, e);
        }
        if (code.equals("AccessDenied") || code.equals("AllAccessDisabled") || status == 403) {
            String permission = permissionFor(action);
            String resource = key == null ? "arn:aws:s3:::" + bucket : "arn:aws:s3:::" + bucket + "/" + key;
            return new StorageException("access denied: S3 refused " + action + " on " + target + " (" + s3Said
                    + "); grant " + permission + " on " + resource + " to these credentials"
                    + (action.equals("PutObject") || action.endsWith("MultipartUpload") || action.equals("UploadPart")
                    ? " (with SSE-KMS also kms:GenerateDataKey and kms:Decrypt on the key)" : "")
                    + ", or use other credentials", false, e);
        }
        if (code.startsWith("KMS.") || code.equals("KMSKeyNotFound")) {
            boolean retryable = isRetryable(e) || code.contains("Throttling");
            return new StorageException("S3 could not use the KMS key for " + action + " of " + target + " (" + s3Said
                    + "): check the KMS key id or ARN, that the key is enabled and in the bucket's region, and that"
                    + " these credentials may use it (kms:GenerateDataKey, kms:Decrypt)", retryable, e);
        }
        if (code.equals("NoSuchUpload")) {
            return new StorageException("the multipart upload for " + target + " no longer exists (" + s3Said
                    + "): it was aborted meanwhile, e.g. by a clean-up of stale uploads; write the object again",
                    false, e);
        }
        if (code.equals("KeyTooLongError")) {
            return new StorageException("key too long for S3: " + target + " (" + s3Said + "): use a shorter key"
                    + " prefix", false, e);
        }
        boolean retryable = isRetryable(e);
        return new StorageException("S3 " + action + " of " + target + " failed" + where() + ": " + s3Said
                + (retryable ? " (transient: try again later)" : ""), retryable, e);
    }

    private String where() {
        return endpointText == null ? "" : " at " + endpointText;
    }

    /** The region S3 says the bucket is in: the x-amz-bucket-region header, a Region element, or the message. */
    static Optional<String> reportedRegion(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().sdkHttpResponse() != null) {
            Optional<String> header = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
            if (header.isPresent() && !header.get().isBlank()) {
                return header.map(String::trim);
            }
        }
        StringBuilder text = new StringBuilder(errorMessage(e));
        if (e.awsErrorDetails() != null && e.awsErrorDetails().rawResponse() != null) {
            text.append(' ').append(new String(e.awsErrorDetails().rawResponse().asByteArray(), StandardCharsets.UTF_8));
        }
        for (Pattern pattern : new Pattern[] {REGION_ELEMENT, EXPECTING_REGION, ENDPOINT_REGION}) {
            Matcher matcher = pattern.matcher(text);
            if (matcher.find()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    /** The IAM permission an S3 API action needs. */
    static String permissionFor(String action) {
        return switch (action) {
            case "PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload" -> "s3:PutObject";
            case "GetObject", "HeadObject" -> "s3:GetObject";
            case "ListObjectsV2", "HeadBucket" -> "s3:ListBucket";
            case "DeleteObject" -> "s3:DeleteObject";
            case "AbortMultipartUpload" -> "s3:AbortMultipartUpload";
            case "ListMultipartUploads" -> "s3:ListBucketMultipartUploads";
            default -> "s3:" + action;
        };
    }

    static String describeBriefly(Throwable failure) {
        if (failure instanceof AwsServiceException service) {
            String code = errorCode(service);
            return "HTTP " + service.statusCode() + (code.isEmpty() ? "" : " " + code);
        }
        return rootMessage(failure).toLowerCase(Locale.ROOT).contains("reset")
                ? "connection reset (" + rootMessage(failure) + ")" : rootMessage(failure);
    }
}
