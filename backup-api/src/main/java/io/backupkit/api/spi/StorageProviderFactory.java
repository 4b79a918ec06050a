package io.backupkit.api.spi;

import java.net.URI;

/**
 * Creates {@link StorageProvider}s from URIs of one scheme ({@code file}, {@code s3}, {@code gdrive}, ...).
 * Found with {@link java.util.ServiceLoader}: register the implementation in
 * {@code META-INF/services/io.backupkit.api.spi.StorageProviderFactory}.
 */
public interface StorageProviderFactory {

    /** The URI scheme this factory handles, lower case, e.g. {@code file}. */
    String scheme();

    /**
     * Creates a provider for the URI. Throws {@link io.backupkit.api.ConfigurationException} when the URI is
     * malformed or the place cannot be used (not writable, missing bucket), saying what to change.
     */
    StorageProvider create(URI uri);
}
