/**
 * For testing storage providers and the code that uses them (test scope): {@link io.backupkit.testkit.StorageProviderContract},
 * the JUnit 5 suite every {@link io.backupkit.api.spi.StorageProvider} passes; {@link io.backupkit.testkit.InMemoryStorageProvider};
 * {@link io.backupkit.testkit.FaultInjectingStorageProvider}, which makes any provider fail on purpose; and
 * {@link io.backupkit.testkit.SeededContent}, large deterministic contents compared by SHA-256.
 */
package io.backupkit.testkit;
