package io.backupkit.storage.gdrive;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.DataSize;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import io.backupkit.api.spi.StorageUris;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Creates {@link DriveStorageProvider}s from URIs:
 * <pre>
 * gdrive://&lt;folder-id&gt;[/&lt;sub/path&gt;][?parameters]
 * </pre>
 * The folder id is the last part of the folder's Drive URL; the optional sub-path holds the keys below that
 * folder. Parameters (none holds a secret: secrets stay in files):
 * <ul>
 *   <li>{@code credentials=<path>}: a JSON credentials file, a service-account key or OAuth user credentials
 *       ({@code "type": "authorized_user"} with client_id, client_secret, refresh_token);</li>
 *   <li>{@code credentialsEnv=<NAME>}: the environment variable that holds the path of that file;</li>
 *   <li>neither: the file named by {@code GOOGLE_APPLICATION_CREDENTIALS}, else Google's Application Default
 *       Credentials (gcloud, metadata server);</li>
 *   <li>{@code impersonate=<user@domain>}: with a service account, act as that user (domain-wide delegation);</li>
 *   <li>{@code driveId=<id>}: the shared drive the folder is on;</li>
 *   <li>{@code trash=true}: deleted and replaced files go to the trash instead of being deleted;</li>
 *   <li>{@code chunkSize=<size>}: a {@link DataSize} ({@code 8MiB}, {@code 8MB} = 8,000,000 bytes), rounded down
 *       to a multiple of 256 KiB as Drive requires;</li>
 *   <li>{@code maxAttempts=<n>}: the {@link RetryPolicy#maxAttempts() attempts} of each request, the first included
 *       (default 9);</li>
 *   <li>{@code rootUrl=<url>}, {@code tokenUri=<url>}: for emulators and tests.</li>
 * </ul>
 * Client secrets, refresh tokens, keys and passwords in the URI are refused, so they cannot end up in
 * configuration dumps, logs or process arguments. The root folder is checked on creation.
 */
public final class DriveStorageProviderFactory implements StorageProviderFactory {
    /** The URI scheme. */
    public static final String SCHEME = "gdrive";
    private static final Set<String> PARAMETERS = Set.of("credentials", "credentialsEnv", "impersonate", "driveId", "trash",
            "chunkSize", "maxAttempts", "rootUrl", "tokenUri");
    private static final Set<String> SECRET_PARAMETERS = Set.of("client_secret", "clientsecret", "secret", "refresh_token",
            "refreshtoken", "access_token", "accesstoken", "token", "private_key", "privatekey", "key", "password", "client_id", "clientid");
    static final String DEFAULT_CREDENTIALS_VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS";

    private final UnaryOperator<String> environment;

    /** Used by {@link java.util.ServiceLoader}. */
    public DriveStorageProviderFactory() {
        this(System::getenv);
    }

    DriveStorageProviderFactory(UnaryOperator<String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public StorageProvider create(URI uri) {
        DriveStorageProvider provider = builderFor(uri).build();
        try {
            provider.verifyRootFolder();
        } catch (StorageException e) {
            provider.close();
            if (e.retryable()) {
                throw e;
            }
            throw new ConfigurationException("cannot use " + provider.description() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
        return provider;
    }

    /** The builder a URI describes, without any network access. */
    DriveStorageProvider.Builder builderFor(URI uri) {
        try {
            return describedBy(uri);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a value the builder refuses came from the URI: the URI is what to change
            throw new ConfigurationException("in the gdrive URI: " + e.getMessage(), e);
        }
    }

    private DriveStorageProvider.Builder describedBy(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new ConfigurationException("not a Google Drive URI (gdrive://<folder-id>/<sub/path>): " + safe(uri));
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigurationException("a gdrive URI must not contain user information (user:secret@): keep secrets in "
                    + "a credentials file and pass its path with ?credentials=<path>");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new ConfigurationException("gdrive URI without a folder id: use gdrive://<folder-id>/<sub/path>, where the "
                    + "folder id is the last part of the folder's Drive URL");
        }
        DriveStorageProvider.Builder builder = DriveStorageProvider.builder().rootFolderId(authority);
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            String sub = path.substring(1);
            if (sub.endsWith("/")) {
                sub = sub.substring(0, sub.length() - 1);
            }
            builder.basePath(sub);
        }
        Map<String, String> params = parameters(uri);
        String credentials = params.get("credentials");
        String credentialsEnv = params.get("credentialsEnv");
        if (credentials != null && credentialsEnv != null) {
            throw new ConfigurationException("gdrive URI: give either credentials=<path> or credentialsEnv=<variable>, not both");
        }
        if (credentials != null) {
            builder.credentialsFile(Path.of(credentials));
        } else if (credentialsEnv != null) {
            String file = environment.apply(credentialsEnv);
            if (file == null || file.isBlank()) {
                throw new ConfigurationException("gdrive URI: the environment variable " + credentialsEnv
                        + " (credentialsEnv) is not set; it must hold the path of a Google credentials JSON file");
            }
            builder.credentialsFile(Path.of(file.strip()));
        } else {
            String file = environment.apply(DEFAULT_CREDENTIALS_VARIABLE);
            if (file != null && !file.isBlank()) {
                builder.credentialsFile(Path.of(file.strip()));
            } else {
                builder.applicationDefaultCredentials();
            }
        }
        if (params.containsKey("impersonate")) {
            builder.impersonate(params.get("impersonate"));
        }
        if (params.containsKey("driveId")) {
            builder.driveId(params.get("driveId"));
        }
        if (params.containsKey("trash")) {
            builder.deleteToTrash(parseBoolean("trash", params.get("trash")));
        }
        if (params.containsKey("chunkSize")) {
            try {
                builder.chunkSize(parseSize("chunkSize", params.get("chunkSize")));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("gdrive URI parameter chunkSize: " + e.getMessage(), e);
            }
        }
        if (params.containsKey("maxAttempts")) {
            try {
                builder.retries(RetryPolicy.builder().maxAttempts(parseInt("maxAttempts", params.get("maxAttempts")))
                        .initialDelay(DriveStorageProvider.Builder.DEFAULT_RETRIES.initialDelay())
                        .maxDelay(DriveStorageProvider.Builder.DEFAULT_RETRIES.maxDelay()).build());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("gdrive URI parameter maxAttempts: " + e.getMessage(), e);
            }
        }
        if (params.containsKey("rootUrl")) {
            builder.rootUrl(params.get("rootUrl"));
        }
        if (params.containsKey("tokenUri")) {
            try {
                builder.tokenServerUri(URI.create(params.get("tokenUri")));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("gdrive URI: tokenUri is not a valid URI", e);
            }
        }
        return builder;
    }

    private static Map<String, String> parameters(URI uri) {
        return StorageUris.queryParameters(uri, (name, value) -> {
            if (SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new ConfigurationException("gdrive URI parameter '" + name + "' would put a secret into the URI: "
                        + "put the credentials into a JSON file and pass ?credentials=<path> (or credentialsEnv=<variable>)");
            }
            if (!PARAMETERS.contains(name)) {
                throw new ConfigurationException("unknown gdrive URI parameter '" + name + "'; known: " + String.join(", ", PARAMETERS.stream().sorted().toList()));
            }
        }, name -> new ConfigurationException("gdrive URI parameter '" + name + "' is given twice"));
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("gdrive URI parameter " + name + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static boolean parseBoolean(String name, String value) {
        if ("true".equalsIgnoreCase(value) || value.isEmpty()) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new ConfigurationException("gdrive URI parameter " + name + " must be true or false, was '" + value + "'");
    }

    /** A size in the one syntax of {@link DataSize} (8MB = 8,000,000 bytes, 8MiB = 8,388,608). */
    static long parseSize(String name, String value) {
        try {
            return DataSize.parse(value).bytes();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("gdrive URI parameter " + name + ": " + e.getMessage(), e);
        }
    }

    private static String safe(URI uri) {
        return uri.getScheme() + "://" + (uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceAll(".*@", "")) + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
