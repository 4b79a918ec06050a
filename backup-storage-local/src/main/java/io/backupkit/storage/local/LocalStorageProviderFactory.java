package io.backupkit.storage.local;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import io.backupkit.api.spi.StorageUris;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Creates {@link LocalStorageProvider}s for {@code file:} URIs:
 * <ul>
 *   <li>{@code file:backups}, {@code file:./backups} &mdash; relative to the working directory of the application;</li>
 *   <li>{@code file:/var/backups/app}, {@code file:///var/backups/app} &mdash; an absolute path.</li>
 * </ul>
 * Percent-escapes are decoded ({@code file:/srv/my%20backups}). A host, query or fragment is rejected.
 */
public final class LocalStorageProviderFactory implements StorageProviderFactory {
    static final String ACCEPTED_FORMS = "Use file:<relative/path> (relative to the working directory, e.g. file:backups"
            + " or file:./backups) or file:/absolute/path (or file:///absolute/path).";

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public StorageProvider create(URI uri) {
        return LocalStorageProvider.at(toPath(uri));
    }

    /** The folder a {@code file:} URI names, absolute. */
    static Path toPath(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String shown = StorageUris.redacted(uri);
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("file")) {
            throw new ConfigurationException("storage URI '" + shown + "' is not a file: URI. " + ACCEPTED_FORMS);
        }
        if (uri.getRawFragment() != null) {
            throw new ConfigurationException("storage URI '" + shown + "' has a fragment (#...), which a folder cannot have. "
                    + ACCEPTED_FORMS);
        }
        String path;
        if (uri.isOpaque()) {
            // file:backups, file:./backups: the scheme-specific part is a relative path (the query is not parsed out).
            String raw = uri.getRawSchemeSpecificPart();
            if (raw.contains("?")) {
                throw queryNotAllowed(shown);
            }
            path = uri.getSchemeSpecificPart();
        } else {
            if (uri.getRawQuery() != null) {
                throw queryNotAllowed(shown);
            }
            if (uri.getRawAuthority() != null) {
                throw new ConfigurationException("storage URI '" + shown + "' names a host ('"
                        + uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1) + "'): local storage is a folder on this machine; for a network share, mount it and use its"
                        + " local path. " + ACCEPTED_FORMS);
            }
            path = uri.getPath();
        }
        if (path == null || path.isEmpty()) {
            throw new ConfigurationException("storage URI '" + shown + "' names no folder. " + ACCEPTED_FORMS);
        }
        if (path.startsWith("~")) {
            throw new ConfigurationException("storage URI '" + shown + "' starts with '~', which is not expanded to the"
                    + " home folder here. Write the absolute path, e.g. file:/home/app/backups. " + ACCEPTED_FORMS);
        }
        try {
            if (!uri.isOpaque()) {
                return Path.of(URI.create("file://" + uri.getRawPath())).toAbsolutePath().normalize();
            }
            return Path.of(path).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) // includes InvalidPathException
         {
            throw new ConfigurationException("storage URI '" + shown + "' is not a valid path on this system: "
                    + e.getMessage() + ". " + ACCEPTED_FORMS, e);
        }
    }

    private static ConfigurationException queryNotAllowed(String shown) {
        return new ConfigurationException("storage URI '" + shown + "' has a query (?...): local storage takes no options."
                + " If '?' is part of the folder name, write it as %3F. " + ACCEPTED_FORMS);
    }
}
