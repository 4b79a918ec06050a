package io.backupkit.storage.s3;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.DataSize;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import io.backupkit.api.spi.StorageUris;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link S3StorageProvider}s for {@code s3:} URIs:
 * <pre>
 * s3://bucket[/key/prefix][?region=eu-central-1&amp;endpoint=http://127.0.0.1:9000&amp;pathStyle=true
 *      &amp;profile=backup&amp;sse=AES256|aws:kms&amp;kmsKeyId=...&amp;storageClass=STANDARD_IA
 *      &amp;partSize=16MiB&amp;partsInFlight=4&amp;maxAttempts=5&amp;check=false]
 * </pre>
 * {@code partSize} is a {@link DataSize} ({@code 16MiB} = 16,777,216 bytes, {@code 16MB} = 16,000,000);
 * {@code maxAttempts} is the {@link RetryPolicy#maxAttempts() attempts} of each write request, the first included.
 * Credentials never go in the URI (it ends up in logs and configuration files): they come from the SDK's default
 * chain or the named {@code profile}. Unless {@code check=false}, the bucket is checked once (HeadBucket): a
 * missing bucket, a wrong region or rejected credentials fail here with a {@link ConfigurationException}.
 */
public final class S3StorageProviderFactory implements StorageProviderFactory {
    private static final Logger LOG = LoggerFactory.getLogger(S3StorageProviderFactory.class);
    private static final Set<String> PARAMETERS = Set.of("region", "endpoint", "pathStyle", "profile", "sse",
            "kmsKeyId", "storageClass", "partSize", "partsInFlight", "maxAttempts", "check");

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public StorageProvider create(URI uri) {
        S3StorageProvider provider = builderFor(uri).build();
        if (!"false".equalsIgnoreCase(parameters(uri).getOrDefault("check", "true"))) {
            check(provider);
        }
        return provider;
    }

    private static void check(S3StorageProvider provider) {
        try {
            provider.checkBucket();
        } catch (StorageException e) {
            if (e.retryable()) {
                LOG.warn("could not check {} now: {}", provider.description(), e.getMessage());
                return;
            }
            provider.close();
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /** The builder the URI describes; visible for tests. */
    static S3StorageProvider.Builder builderFor(URI uri) {
        try {
            return describedBy(uri);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a value the builder refuses came from the URI: the URI is what to change
            throw new ConfigurationException("in the s3: URI: " + e.getMessage(), e);
        }
    }

    private static S3StorageProvider.Builder describedBy(URI uri) {
        if (uri == null || !"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new ConfigurationException("not an s3: URI: expected s3://bucket[/prefix][?region=...]");
        }
        if (uri.isOpaque()) {
            throw new ConfigurationException("malformed s3: URI: expected s3://bucket[/prefix], with two slashes");
        }
        if (uri.getRawUserInfo() != null) {
            // Never echo the URI here: the user part may hold a secret.
            throw new ConfigurationException("the s3: URI contains credentials (user:secret@): remove them and use"
                    + " the default credentials chain (environment, ~/.aws/credentials, instance role) or"
                    + " ?profile=NAME");
        }
        String bucket = uri.getRawAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new ConfigurationException("the s3: URI names no bucket: expected s3://bucket[/prefix]");
        }
        S3StorageProvider.Builder builder = S3StorageProvider.builder().bucket(bucket);
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (!path.isEmpty()) {
            builder.keyPrefix(path);
        }
        Map<String, String> parameters = parameters(uri);
        parameters.forEach((name, value) -> {
            switch (name) {
                case "region" -> builder.region(value);
                case "endpoint" -> builder.endpointOverride(parseEndpoint(value));
                case "pathStyle" -> builder.pathStyleAccess(parseBoolean(name, value));
                case "profile" -> builder.profile(value);
                case "sse" -> {
                    switch (value.toLowerCase(Locale.ROOT)) {
                        case "aes256", "s3", "sse-s3" -> builder.sseS3();
                        case "aws:kms", "kms", "sse-kms" -> {
                            String keyId = parameters.get("kmsKeyId");
                            if (keyId == null) {
                                builder.sseKms();
                            } else {
                                builder.sseKms(keyId);
                            }
                        }
                        default -> throw new ConfigurationException("unknown sse '" + value + "' in the s3: URI:"
                                + " use AES256 (SSE-S3) or aws:kms (SSE-KMS, with kmsKeyId=...)");
                    }
                }
                case "kmsKeyId" -> {
                    if (!parameters.containsKey("sse")) {
                        builder.sseKms(value);
                    }
                }
                case "storageClass" -> builder.storageClass(value);
                case "partSize" -> builder.partSize(parseSize(name, value));
                case "partsInFlight" -> builder.partsInFlight(parseInt(name, value));
                case "maxAttempts" -> builder.retries(parseRetries(name, value));
                case "check" -> parseBoolean(name, value);
                default -> throw new IllegalStateException("unhandled parameter " + name);
            }
        });
        return builder;
    }

    private static Map<String, String> parameters(URI uri) {
        return StorageUris.queryParameters(uri, (name, value) -> {
            if (!PARAMETERS.contains(name)) {
                throw new ConfigurationException("unknown parameter '" + name + "' in the s3: URI: known are "
                        + new java.util.TreeSet<>(PARAMETERS) + (name.toLowerCase(Locale.ROOT).contains("secret")
                        || name.toLowerCase(Locale.ROOT).contains("key") && !name.equals("kmsKeyId")
                        ? "; credentials never go in the URI: use the default chain or profile=NAME" : ""));
            }
            if (value.isEmpty()) {
                throw new ConfigurationException("parameter '" + name + "' in the s3: URI has no value");
            }
        }, name -> new ConfigurationException("parameter '" + name + "' appears twice in the s3: URI"));
    }

    /** {@code maxAttempts=N}: the attempts of each write request, the first included, with the default backoff. */
    private static RetryPolicy parseRetries(String name, String value) {
        int attempts = parseInt(name, value);
        try {
            return RetryPolicy.builder().maxAttempts(attempts).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("parameter '" + name + "' in the s3: URI: " + e.getMessage(), e);
        }
    }

    private static URI parseEndpoint(String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("invalid endpoint in the s3: URI: " + e.getMessage(), e);
        }
    }

    private static boolean parseBoolean(String name, String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigurationException("parameter '" + name + "' in the s3: URI must be true or false, was '"
                + value + "'");
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("parameter '" + name + "' in the s3: URI must be a whole number, was '"
                    + value + "'", e);
        }
    }

    /** A size in the one syntax of {@link DataSize} (8MB = 8,000,000 bytes, 8MiB = 8,388,608). */
    static long parseSize(String name, String value) {
        try {
            return DataSize.parse(value).bytes();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("parameter '" + name + "' in the s3: URI: " + e.getMessage(), e);
        }
    }
}
