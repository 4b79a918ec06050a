/**
 * Local storage: {@link io.backupkit.storage.local.LocalStorageProvider} keeps objects as files under a folder, and
 * {@link io.backupkit.storage.local.LocalStorageProviderFactory} creates it from {@code file:} URIs (found by
 * {@link java.util.ServiceLoader}).
 */
package io.backupkit.storage.local;
