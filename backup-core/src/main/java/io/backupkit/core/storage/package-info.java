/**
 * Wrappers around any {@link io.backupkit.api.spi.StorageProvider}: retries with backoff
 * ({@link io.backupkit.core.storage.RetryingStorageProvider}) and call logging
 * ({@link io.backupkit.core.storage.LoggingStorageProvider}). Public so an application can compose them, but they are
 * not backends: {@code BackupKit.build()} wraps whatever provider it is given ({@link io.backupkit.core.storage.StorageWrappers}),
 * so most applications never use them directly.
 */
package io.backupkit.core.storage;
