package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.NoProgressException;
import io.backupkit.api.RestoreRequest;
import io.backupkit.jdbc.postgres.PostgresDumper;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.StallingTcpProxy;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real database reached through a proxy that stops forwarding in both directions without closing anything (a
 * server or network path that froze mid-conversation): after login, mid-backup and mid-restore, the operation fails
 * within its noProgressTimeout (plus the watchdog's tick and the unwinding) with a NoProgressException naming the
 * setting, and another engine's operation on the same storage starts at once afterwards (the storage lock was given
 * back). And a healthy restore whose CREATE INDEX sends nothing for longer than a short noProgressTimeout completes:
 * the server's own progress views count as progress, socket silence alone does not.
 */
@ExtendWith(DatabaseServers.class)
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the watchdog the operations hang
class StalledDatabaseEngineTest {
    private static final Duration NO_PROGRESS = Duration.ofSeconds(3);
    /** The watchdog ticks every timeout/5; aborting, unwinding and recording the failure take well under this. */
    private static final double SLACK_SECONDS = 7;
    private static final Pattern HOST_PORT = Pattern.compile("//([^:/]+):(\\d+)/");
    private static final int ROWS = 200_000;

    @TempDir
    Path dir;
    StallingTcpProxy proxy;

    @AfterEach
    void close() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void postgresBackupStalledMidDumpFails(@Postgres15 TestDatabase db) throws Exception {
        stalledMidDump(db);
    }

    @Test
    void postgresRestoreStalledMidLoadFails(@Postgres15 TestDatabase db) throws Exception {
        stalledMidLoad(db);
    }

    @Test
    void postgresBackupStalledRightAfterLoginFails(@Postgres15 TestDatabase db) throws Exception {
        fill(db);
        proxy = proxyTo(db);
        DataSource stallAfterLogin = stallAfterLogin(through(db, proxy), proxy);
        Path store = dir.resolve("store");
        // one connection (no detection, no workers): every later step is a query on the stalled connection
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).dataSource(stallAfterLogin)
                .dumper(PostgresDumper.create()).parallelism(1).noProgressTimeout(NO_PROGRESS).build()) {
            failsInTime(() -> engine.backup(BackupType.DATABASE));
        }
        lockIsFree(store);
    }

    @Test
    void mariaDbBackupStalledMidDumpFails(@MariaDb TestDatabase db) throws Exception {
        stalledMidDump(db);
    }

    @Test
    void mariaDbRestoreStalledMidLoadFails(@MariaDb TestDatabase db) throws Exception {
        stalledMidLoad(db);
    }

    /** The proxy stalls after 1 MB of the dump's ~30 MB. */
    private void stalledMidDump(TestDatabase db) throws Exception {
        fill(db);
        proxy = proxyTo(db);
        proxy.stallAfterBytes(1 << 20);
        assertStalledOperationFails(db, engine -> engine.backup(BackupType.DATABASE));
    }

    /** The proxy stalls after 1 MB of the load's ~30 MB (no safety backup first, so the stall hits the load). */
    private void stalledMidLoad(TestDatabase db) throws Exception {
        BackupId backup = backupOf(db);
        proxy = proxyTo(db);
        proxy.stallAfterBytes(1 << 20);
        assertStalledOperationFails(db, engine -> engine.restore(RestoreRequest.builder(backup)
                .targetDataSource(through(db, proxy)).safetyBackup(false).build()));
    }

    /**
     * CREATE INDEX on a few million rows, with little maintenance memory, sends nothing for longer than the 1 s
     * noProgressTimeout: pg_stat_activity shows the backend active and not waiting for the client, so it is progress.
     */
    @Test
    void aHealthyLongCreateIndexIsNotTakenForAStall(@Postgres15 TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id int PRIMARY KEY, a text, b text)");
            s.execute("INSERT INTO big SELECT i, md5(i::text), md5((i * 7)::text) FROM generate_series(1, 3000000) i");
            s.execute("CREATE INDEX big_ab ON big (a, b, id)");
            s.execute("CREATE INDEX big_ba ON big (b, a, id)");
            s.execute("ALTER DATABASE " + db.name() + " SET maintenance_work_mem = '1MB'");
            s.execute("ALTER DATABASE " + db.name() + " SET max_parallel_maintenance_workers = 0");
        }
        Path store = dir.resolve("store");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).dataSource(db.dataSource())
                .noProgressTimeout(Duration.ofSeconds(1)).build()) {
            BackupId backup = engine.backup(BackupType.DATABASE).id();
            engine.restore(RestoreRequest.builder(backup).safetyBackup(false).build());
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM big")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3_000_000);
        }
    }

    private interface Op {
        Object run(BackupEngine engine) throws Exception;
    }

    private void assertStalledOperationFails(TestDatabase db, Op op) throws Exception {
        Path store = dir.resolve("store");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(through(db, proxy)).noProgressTimeout(NO_PROGRESS).build()) {
            failsInTime(() -> op.run(engine));
        }
        lockIsFree(store);
    }

    private void failsInTime(Callable<?> op) {
        assertThatThrownBy(op::call).isInstanceOfSatisfying(NoProgressException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NO_PROGRESS);
            assertThat(e.getMessage()).contains("noProgressTimeout").contains("made no progress for");
        });
        assertThat(proxy.isStalled()).as("the proxy stalled during the operation").isTrue();
        double sinceStall = (System.nanoTime() - proxy.stalledAtNanos()) / 1e9;
        assertThat(sinceStall).as("seconds from the stall to the failure").isLessThan(NO_PROGRESS.toSeconds() + SLACK_SECONDS);
    }

    /** Another engine on the same storage gets the lock at once (it waits for no lock: maxWait is zero). */
    private void lockIsFree(Path store) throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        try (BackupEngine other = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build()) {
            assertThat(other.backup(BackupType.FILES).id()).isNotNull();
        }
    }

    private BackupId backupOf(TestDatabase db) throws Exception {
        fill(db);
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(dir.resolve("store")))
                .dataSource(db.dataSource()).build()) {
            return engine.backup(BackupType.DATABASE).id();
        }
    }

    /** About 30 MB of rows: far more than the proxy forwards before it stalls. */
    private static void fill(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, pad varchar(200))");
            if (db.engine().isPostgres()) {
                s.execute("INSERT INTO t SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, " + ROWS + ") i");
            } else {
                s.execute("INSERT INTO t SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_" + ROWS);
            }
        }
    }

    private static StallingTcpProxy proxyTo(TestDatabase db) {
        Matcher m = HOST_PORT.matcher(db.jdbcUrl());
        assertThat(m.find()).as("host and port in " + db.jdbcUrl()).isTrue();
        return StallingTcpProxy.to(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The database's DataSource with its host and port replaced by the proxy's. */
    private static DataSource through(TestDatabase db, StallingTcpProxy proxy) {
        String url = HOST_PORT.matcher(db.jdbcUrl()).replaceFirst("//127.0.0.1:" + proxy.port() + "/");
        return new TestDatabase(db.engine(), db.name(), url, db.user(), db.password()).dataSource();
    }

    /** {@code delegate}, stalling the proxy as soon as a connection has logged in. */
    private static DataSource stallAfterLogin(DataSource delegate, StallingTcpProxy proxy) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (self, method, args) -> {
                    try {
                        Object result = method.invoke(delegate, args);
                        if (method.getName().equals("getConnection")) {
                            proxy.stall();
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
