package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupListener;
import io.backupkit.api.BackupType;
import io.backupkit.api.Compression;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.ConflictException;
import io.backupkit.api.FileSet;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.TableSelection;
import io.backupkit.core.internal.StorageLease;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, acceptance 4: {@link BackupKit.Builder} fails fast, as Caffeine's builder does. A bad argument is an
 * IllegalArgumentException from the setter, a setting set twice (or two that conflict) an IllegalStateException,
 * and only what needs the whole picture a ConfigurationException from build(); every message names the setting.
 */
class BackupKitBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void eachSettersBadArgumentFailsAtOnceNamingTheSetting() {
        bad(b -> b.storage(" "), "storage");
        bad(b -> b.progressInterval(Duration.ofMillis(50)), "progressInterval");
        bad(b -> b.progressInterval(Duration.ofHours(1)), "progressInterval");
        bad(b -> b.files(new Path[0]), "files(...)");
        bad(b -> b.maxImportBytes(0), "maxImportBytes");
        bad(b -> b.parallelism(0), "parallelism");
        bad(b -> b.parallelism(65), "parallelism");
        bad(b -> b.connectTimeout(Duration.ofMillis(500)), "connectTimeout");
        bad(b -> b.connectTimeout(Duration.ofHours(2)), "connectTimeout");
        bad(b -> b.noProgressTimeout(Duration.ofMillis(500)), "noProgressTimeout");
        bad(b -> b.noProgressTimeout(Duration.ofDays(8)), "noProgressTimeout");
        bad(b -> b.operationLock(Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO), "operationLock: ttl");
        bad(b -> b.operationLock(Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ZERO), "operationLock: settleDelay");
        bad(b -> b.operationLock(Duration.ofSeconds(6), Duration.ZERO, Duration.ofSeconds(-1)), "operationLock: maxWait");
        assertThatThrownBy(() -> BackupKit.builder().clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
        assertThatThrownBy(() -> BackupKit.builder().storage((String) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("storage URI");
    }

    @Test
    void settingTheSameThingTwiceFailsNamingTheSetting() {
        InMemoryStorageProvider storage = new InMemoryStorageProvider();
        twice(b -> b.storage(storage), "storage");
        twice(b -> b.storage("file:" + tmp), "storage");
        twice(b -> b.storage(URI.create("file:" + tmp)), "storage");
        javax.sql.DataSource db = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException("never connected");
                });
        twice(b -> b.dataSource(db), "dataSource");
        twice(b -> b.progressInterval(Duration.ofSeconds(1)), "progressInterval");
        twice(b -> b.files(tmp), "files");
        twice(b -> b.tables(TableSelection.ALL), "tables");
        twice(b -> b.compression(Compression.DEFAULT), "compression");
        twice(b -> b.clock(Clock.systemUTC()), "clock");
        twice(b -> b.maxImportBytes(1), "maxImportBytes");
        twice(b -> b.parallelism(2), "parallelism");
        twice(b -> b.connectTimeout(Duration.ofSeconds(5)), "connectTimeout");
        twice(b -> b.noProgressTimeout(Duration.ofSeconds(5)), "noProgressTimeout");
        twice(b -> b.healthPolicy(HealthPolicy.DEFAULT), "healthPolicy");
        twice(b -> b.operationLock(Duration.ofSeconds(6), Duration.ZERO, Duration.ZERO), "operation lock");
        twice(BackupKit.Builder::withoutOperationLock, "operation lock");
        twice(b -> b.retries(RetryPolicy.DEFAULT), "retries");
        twice(b -> b.classLoader(getClass().getClassLoader()), "classLoader");
        BackupListener listener = event -> { };
        twice(b -> b.listener(listener), "listener");
    }

    @Test
    void twoConflictingSettingsFailNamingBoth() {
        // the three storage(...) overloads used to replace each other silently
        conflict(b -> b.storage(new InMemoryStorageProvider()), b -> b.storage("file:" + tmp), "storage(...)");
        conflict(b -> b.storage("file:" + tmp), b -> b.storage(URI.create("file:" + tmp)), "storage(...)");
        conflict(b -> b.files(FileSet.of(tmp)), b -> b.files(tmp), "files(...)");
        conflict(b -> b.operationLock(Duration.ofSeconds(6), Duration.ZERO, Duration.ZERO), BackupKit.Builder::withoutOperationLock,
                "operationLock(...) or withoutOperationLock()");
        conflict(BackupKit.Builder::withoutOperationLock, b -> b.operationLock(Duration.ofSeconds(6), Duration.ZERO, Duration.ZERO),
                "turned off");
        conflict(b -> b.retries(RetryPolicy.DEFAULT), BackupKit.Builder::withoutRetries, "retries(...) or withoutRetries()");
    }

    @Test
    void aSecondStorageNamesBothCallsWithoutTheirCredentials() {
        InMemoryStorageProvider memory = new InMemoryStorageProvider();
        assertThatThrownBy(() -> BackupKit.builder().storage(memory).storage("s3://AKIAEXAMPLE:s3cret@bucket/app"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("storage(\"s3://")
                .hasMessageContaining("already set by storage(StorageProvider " + memory.description() + ")")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> BackupKit.builder().storage(URI.create("file:" + tmp)).storage(memory))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("storage(StorageProvider " + memory.description() + ")")
                .hasMessageContaining("already set by storage(URI file:" + tmp + ")");
    }

    @Test
    void aRefusedSettingChangesNothing() throws Exception {
        InMemoryStorageProvider first = new InMemoryStorageProvider();
        BackupKit.Builder b = BackupKit.builder().storage(first).files(Files.createDirectories(tmp.resolve("media")));
        assertThatThrownBy(() -> b.storage("file:" + tmp.resolve("other"))).isInstanceOf(IllegalStateException.class);
        try (BackupEngine engine = b.build()) {
            engine.backup(BackupType.FILES);
        }
        assertThat(first.size()).as("the backup went to the storage set first").isPositive();
        assertThat(tmp.resolve("other")).doesNotExist();
    }

    @Test
    void buildChecksTheWholePictureNamingTheSettingToChange() {
        assertThatThrownBy(() -> BackupKit.builder().files(tmp).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("storage(\"file:./backups\")");
    }

    /**
     * The operation lock keeps a second instance off the storage; withoutOperationLock() is for an application that
     * is the storage's only user, and operationLock(..., maxWait) waits for the other instance instead of failing.
     */
    @Test
    void theOperationLockKeepsOtherInstancesOffUnlessTurnedOff() throws Exception {
        InMemoryStorageProvider storage = new InMemoryStorageProvider();
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        try (StorageLease.Held other = StorageLease.builder(storage, "operations").ttl(Duration.ofSeconds(60))
                .settleDelay(Duration.ZERO).heartbeat(false).holderId("other-instance").host("other-machine").build()
                .acquire(Duration.ZERO)) {
            try (BackupEngine locked = BackupKit.builder().storage(storage).files(media).build()) {
                assertThatThrownBy(() -> locked.backup(BackupType.FILES)).isInstanceOf(ConflictException.class)
                        .hasMessageContaining("other-instance");
            }
            try (BackupEngine waiting = BackupKit.builder().storage(storage).files(media)
                    .operationLock(Duration.ofSeconds(6), Duration.ZERO, Duration.ofMillis(600)).build()) {
                long started = System.nanoTime();
                assertThatThrownBy(() -> waiting.backup(BackupType.FILES)).isInstanceOf(ConflictException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited maxWait first").isGreaterThanOrEqualTo(Duration.ofMillis(600));
            }
            try (BackupEngine unlocked = BackupKit.builder().storage(storage).files(media).withoutOperationLock().build()) {
                assertThat(unlocked.backup(BackupType.FILES).id()).isNotNull();
            }
        }
    }

    private static void bad(Consumer<BackupKit.Builder> setter, String setting) {
        assertThatThrownBy(() -> setter.accept(BackupKit.builder())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(setting);
    }

    private static void twice(Consumer<BackupKit.Builder> setter, String setting) {
        BackupKit.Builder b = BackupKit.builder();
        setter.accept(b);
        assertThatThrownBy(() -> setter.accept(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(setting).hasMessageContaining("already");
    }

    private static void conflict(Consumer<BackupKit.Builder> first, Consumer<BackupKit.Builder> second, String named) {
        BackupKit.Builder b = BackupKit.builder();
        first.accept(b);
        assertThatThrownBy(() -> second.accept(b)).isInstanceOf(IllegalStateException.class).hasMessageContaining(named);
    }
}
