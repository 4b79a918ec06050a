package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.ForwardingStorageProvider;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProviderFactory;
import io.backupkit.core.internal.DefaultBackupEngine;
import io.backupkit.core.storage.LoggingStorageProvider;
import io.backupkit.core.storage.RetryingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BackupKit.build()} puts its retry wrapper (outside) and logging wrapper (inside) around every provider, one
 * created from a URI as well as one the host passes in, and a transient fault below them is retried exactly as the
 * policy says: no more, no fewer attempts.
 */
class BackupKitStorageWrappingTest {
    private static final RetryPolicy THREE_QUICK = RetryPolicy.builder().maxAttempts(3)
            .initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)).build();

    @Test
    void aHostSuppliedProviderIsWrappedInRetriesAroundLogging() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider()).build();
        BackupEngine engine = BackupKit.builder().storage(faulty).retries(THREE_QUICK).build();
        assertWrapped(engine, faulty, THREE_QUICK);
    }

    @Test
    void aTransientFaultBelowTheWrappersIsRetriedUntilItPasses() {
        AtomicInteger pinListings = new AtomicInteger();
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                .failCalls(Verb.LIST, prefix -> prefix.startsWith("pins") && pinListings.incrementAndGet() <= 2).build();
        BackupEngine engine = BackupKit.builder().storage(faulty).retries(THREE_QUICK).build();
        assertThat(engine.list()).isEmpty();
        assertThat(faulty.faultsInjected()).isEqualTo(2);
        assertThat(pinListings).as("two failed attempts, then the one that passed").hasValue(3);
    }

    @Test
    void aFaultThatDoesNotStopIsTriedExactlyMaxAttemptsTimes() {
        FaultInjectingStorageProvider failing = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                .failCalls(Verb.LIST, prefix -> prefix.startsWith("pins")).build();
        BackupEngine engine = BackupKit.builder().storage(failing).retries(THREE_QUICK).build();
        int before = failing.calls(Verb.LIST);
        assertThatThrownBy(engine::list).isInstanceOf(StorageException.class)
                .hasMessageContaining("failed after 3 attempts").hasMessageContaining("injected fault");
        assertThat(failing.calls(Verb.LIST) - before).isEqualTo(3);
    }

    @Test
    void withTheDefaultPolicyFiveAttemptsAreMade() {
        FaultInjectingStorageProvider failing = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                .failCalls(Verb.LIST, prefix -> prefix.startsWith("pins")).build();
        BackupEngine engine = BackupKit.builder().storage(failing).build();
        assertThat(((DefaultBackupEngine) engine).storage()).isInstanceOfSatisfying(RetryingStorageProvider.class,
                r -> assertThat(r.policy()).isEqualTo(RetryPolicy.DEFAULT));
        int before = failing.calls(Verb.LIST);
        assertThatThrownBy(engine::list).hasMessageContaining("failed after 5 attempts");
        assertThat(failing.calls(Verb.LIST) - before).isEqualTo(RetryPolicy.DEFAULT.maxAttempts());
    }

    @Test
    void withoutRetriesAFaultFailsAtOnceAndOnlyTheLoggingWrapperIsInstalled() {
        FaultInjectingStorageProvider failing = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                .failCalls(Verb.LIST, prefix -> prefix.startsWith("pins")).build();
        BackupEngine engine = BackupKit.builder().storage(failing).withoutRetries().build();
        StorageProvider installed = ((DefaultBackupEngine) engine).storage();
        assertThat(installed).isInstanceOf(LoggingStorageProvider.class);
        assertThat(((ForwardingStorageProvider) installed).delegate()).isSameAs(failing);
        int before = failing.calls(Verb.LIST);
        assertThatThrownBy(engine::list).isInstanceOf(StorageException.class).hasMessageStartingWith("injected fault");
        assertThat(failing.calls(Verb.LIST) - before).isEqualTo(1);
    }

    @Test
    void aUriCreatedProviderIsWrappedAndItsFaultsRetriedPerThePolicy(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(StorageProviderFactory.class.getName()), FlakyFactory.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            BackupEngine engine = BackupKit.builder().storage("flaky:test").classLoader(loader).retries(THREE_QUICK).build();
            FaultInjectingStorageProvider created = FlakyFactory.LAST.get();
            assertWrapped(engine, created, THREE_QUICK);
            int before = created.calls(Verb.LIST);
            assertThatThrownBy(engine::list).hasMessageContaining("failed after 3 attempts");
            assertThat(created.calls(Verb.LIST) - before).isEqualTo(3);
            engine.close();
        }
    }

    @Test
    void retriesAreSetOnce() {
        assertThatThrownBy(() -> BackupKit.builder().retries(RetryPolicy.DEFAULT).retries(THREE_QUICK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage retries were already set");
        assertThatThrownBy(() -> BackupKit.builder().withoutRetries().retries(THREE_QUICK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("retries(...) or withoutRetries() once");
        assertThatThrownBy(() -> BackupKit.builder().retries(THREE_QUICK).withoutRetries())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> BackupKit.builder().retries(null)).isInstanceOf(NullPointerException.class);
    }

    private static void assertWrapped(BackupEngine engine, StorageProvider provider, RetryPolicy policy) {
        StorageProvider installed = ((DefaultBackupEngine) engine).storage();
        assertThat(installed).isInstanceOfSatisfying(RetryingStorageProvider.class,
                r -> assertThat(r.policy()).isEqualTo(policy));
        StorageProvider logging = ((ForwardingStorageProvider) installed).delegate();
        assertThat(logging).isInstanceOf(LoggingStorageProvider.class);
        assertThat(((ForwardingStorageProvider) logging).delegate()).isSameAs(provider);
        assertThat(installed.description()).isEqualTo(provider.description());
    }

    /** The {@code flaky:} scheme: in-memory storage whose listings of {@code pins/} always fail, transiently. */
    public static final class FlakyFactory implements StorageProviderFactory {
        static final AtomicReference<FaultInjectingStorageProvider> LAST = new AtomicReference<>();

        @Override
        public String scheme() {
            return "flaky";
        }

        @Override
        public StorageProvider create(URI uri) {
            FaultInjectingStorageProvider provider = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                    .failCalls(Verb.LIST, prefix -> prefix.startsWith("pins")).build();
            LAST.set(provider);
            return provider;
        }
    }
}
