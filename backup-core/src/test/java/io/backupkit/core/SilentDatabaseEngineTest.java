package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.SilentTcpServer;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database host that accepts TCP connections and never answers, reached through the drivers' own DataSources as
 * an application hands them to the library: the engine's connect timeout (set as the DataSource's login timeout,
 * which had none) fails a backup and a restore within it, and the storage lock is free at once afterwards (the next
 * operation starts instead of failing with "locked").
 */
@ExtendWith(DatabaseServers.class)
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the timeout the drivers wait for ever
class SilentDatabaseEngineTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    SilentTcpServer silent;

    @BeforeEach
    void listen() {
        silent = SilentTcpServer.start();
    }

    @AfterEach
    void close() throws Exception {
        silent.close();
    }

    @Test
    void postgresBackupAndRestoreFailWithinTheConnectTimeout(@Postgres15 TestDatabase real) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + silent.port() + "/app");
        ds.setUser("u");
        ds.setPassword("p");
        backupAndRestoreFailInTime(ds, real);
    }

    /**
     * MariaDB Connector/J's DataSource does not apply a login timeout (it connects with the URL's connectTimeout,
     * 30 s by default, which also bounds the handshake): the host sets it in the URL, as the CLI does by default.
     */
    @Test
    void mariaDbBackupAndRestoreFailWithinTheUrlsConnectTimeout(@MariaDb TestDatabase real) throws Exception {
        MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + silent.port()
                + "/app?connectTimeout=" + CONNECT_TIMEOUT.toMillis());
        ds.setUser("u");
        ds.setPassword("p");
        backupAndRestoreFailInTime(ds, real);
    }

    @Test
    void aDataSourceWithItsOwnLoginTimeoutKeepsIt() throws Exception {
        PGSimpleDataSource own = new PGSimpleDataSource();
        own.setLoginTimeout(42);
        PGSimpleDataSource none = new PGSimpleDataSource();
        try (BackupEngine e = BackupKit.builder().storage(LocalStorageProvider.at(dir.resolve("s"))).dataSource(own)
                .build()) {
            e.restore(RestoreRequest.builder(BackupId.of("20260101T000000Z-database-abcd")).targetDataSource(none).build());
        } catch (BackupException expected) {
            // no such backup; the target was prepared before
        }
        assertThat(own.getLoginTimeout()).isEqualTo(42);
        assertThatThrownBy(() -> BackupKit.builder().connectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> BackupKit.builder().connectTimeout(CONNECT_TIMEOUT).connectTimeout(CONNECT_TIMEOUT))
                .isInstanceOf(IllegalStateException.class);
    }

    private void backupAndRestoreFailInTime(DataSource silentDb, TestDatabase real) throws Exception {
        Path store = dir.resolve("store");
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        try (Connection c = real.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1), (2)");
        }
        BackupId backup;
        try (BackupEngine fromReal = BackupKit.builder().storage(LocalStorageProvider.at(store)).dataSource(real.dataSource())
                .build()) {
            backup = fromReal.backup(BackupType.DATABASE).id();
        }
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).dataSource(silentDb)
                .files(media).connectTimeout(CONNECT_TIMEOUT).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> engine.backup(BackupType.DATABASE)).isInstanceOf(BackupException.class);
            assertThat(seconds(start)).as("seconds until the backup failed").isLessThan(CONNECT_TIMEOUT.toSeconds() * 3);

            start = System.nanoTime();
            assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(backup).targetDataSource(silentDb).build()))
                    .isInstanceOf(BackupException.class);
            assertThat(seconds(start)).as("seconds until the restore failed").isLessThan(CONNECT_TIMEOUT.toSeconds() * 3);
            assertThat(silent.acceptedConnections()).as("the listener accepted the connections").isPositive();

            // The lock is free: the next operation on that storage starts at once instead of failing with "locked".
            assertThat(engine.backup(BackupType.FILES).id()).isNotNull();
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1_000_000_000.0;
    }
}
