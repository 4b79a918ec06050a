/**
 * Local storage: {@link io.backupkit.storage.local.LocalStorageProvider} keeps objects as files under a folder, and
 * {@link io.backupkit.storage.local.LocalStorageProviderFactory} creates it from {@code file:} URIs (found by
 * {@link java.util.ServiceLoader}).
 *
 * <p><b>Listing also tidies up.</b> A put writes a hidden temporary file ({@code .put-<host>-<pid>-<start>-<random>.tmp})
 * and renames it into place. If the process is killed during a put, that file stays, and since
 * {@link io.backupkit.api.spi.StorageProvider#list list} never shows it, an engine's clean-up of interrupted backups
 * cannot find it. So {@code list} itself deletes, as its walk passes them, the temporary files whose put can no longer
 * finish, and prunes the folders this leaves empty (never the storage root), logging each removal at INFO:
 * <ul>
 *   <li>written on this host by this user: as soon as the writing process has ended (a later process that got the
 *       same process id is recognised by its start time);</li>
 *   <li>written on another host sharing the folder, by another user, or by an earlier version: once unchanged for
 *       longer than the grace period, 24 hours unless set with
 *       {@link io.backupkit.storage.local.LocalStorageProvider.Builder#staleTempGrace}.</li>
 * </ul>
 * A put in progress in this process or in any running process on this host is never touched. Other hidden files
 * (such as {@code .DS_Store}) are left alone.
 */
package io.backupkit.storage.local;
