package io.backupkit.api.spi;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.StorageException;
import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where backups are kept: five verbs over a flat namespace of keys. Every implementation meets this
 * contract, which the shared contract suite ({@code backup-testkit}'s {@code StorageProviderContract}) checks:
 *
 * <ul>
 *   <li><b>Keys.</b> Every verb first validates its key with {@link StorageKeys#requireKey} (list:
 *       {@link StorageKeys#requirePrefix}) and throws {@link IllegalArgumentException} before any I/O.</li>
 *   <li><b>put is atomic.</b> A concurrent or later reader sees the previous object, the whole new one, or
 *       nothing &mdash; never a prefix. A put that fails (including the source's stream throwing) leaves the
 *       previous state and nothing else visible. Overwriting an existing key replaces it.</li>
 *   <li><b>get</b> of a missing key throws {@link BlobNotFoundException}; ranged gets return exactly the bytes
 *       in the range (fewer at the end of the object). The returned stream is closed by the caller.</li>
 *   <li><b>stat</b> returns empty for a missing key.</li>
 *   <li><b>list</b> returns the objects whose key starts with the prefix (a plain string prefix), in no
 *       particular order, lazily: a backend pages as the stream is consumed, and a caller may stop early. Close the stream.
 *       Objects from puts in progress never appear.</li>
 *   <li><b>delete</b> is idempotent: deleting a missing key succeeds.</li>
 *   <li><b>Errors</b> are {@link StorageException}s with a message that names the key and the cause, and
 *       {@link StorageException#retryable()} set for transient failures; SDK exceptions are kept as cause.</li>
 *   <li>Implementations are thread-safe. Puts are independent: while one put is in progress (its source
 *       waiting for data), a put to another key can start and complete &mdash; the engine streams a backup's
 *       archive and its index at the same time, so a provider must never serialize puts behind a lock.
 *       Concurrent puts to the same key end with one of the values, whole.</li>
 * </ul>
 *
 * Retries, rate limits and logging are wrappers around a provider, not part of each one (see
 * {@link ForwardingStorageProvider}); the engine installs its retry and logging wrappers around every provider. A
 * provider retries inside only what a wrapper cannot repeat, and says so with {@link #internalRetries()}.
 */
public interface StorageProvider extends AutoCloseable {

    /** Stores the object atomically, replacing any existing one. Reads the source to its end. */
    void put(String key, ContentSource source);

    /** Opens the whole object for reading. */
    InputStream get(String key);

    /** Opens part of the object for reading. */
    InputStream get(String key, ByteRange range);

    /** Size and time of the object, or empty if it does not exist. */
    Optional<BlobInfo> stat(String key);

    /** The objects whose key starts with {@code prefix}, in no particular order, paged lazily. The caller closes the stream. */
    Stream<BlobInfo> list(String prefix);

    /** Deletes the object; does nothing if it does not exist. */
    void delete(String key);

    /** A human description of where the data lives, without credentials (e.g. {@code file:/var/backups/app}). */
    String description();

    /**
     * Which calls this provider already retries itself (with the same {@link io.backupkit.api.RetryPolicy} meaning),
     * so that the engine's retry wrapper adds no attempts on top of them. The default, {@link InternalRetries#NONE},
     * suits a provider that reports transient failures as {@linkplain StorageException#retryable() retryable} and
     * leaves retrying to the wrapper.
     */
    default InternalRetries internalRetries() {
        return InternalRetries.NONE;
    }

    /** What a provider retries inside; see {@link #internalRetries()}. */
    enum InternalRetries {
        /** Nothing: the engine's wrapper retries every call. */
        NONE,
        /**
         * {@code put}: its content is consumed as it is sent, so only the provider can send a failed part again (S3's
         * parts, a resumable upload's chunks); the wrapper retries the other verbs.
         */
        PUT,
        /** Every call (e.g. through the retry settings of a client the host passed in): the wrapper retries nothing. */
        ALL
    }

    /**
     * The folder on this machine's file system that holds this storage's objects, if it has one (local storage):
     * a files backup leaves it out when it lies inside one of its roots, so backups never archive earlier backups.
     * Wrappers return their delegate's. The default: none.
     */
    default java.util.Optional<java.nio.file.Path> localFolder() {
        return java.util.Optional.empty();
    }

    /** Releases connections and threads. The default does nothing. */
    @Override
    default void close() {
    }
}
