package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance (issue 13, 5): one huge value does not exhaust memory. Through the real engine, with the heap capped at
 * 128 MB (surefire execution "bounded-memory"): a 200 MB {@code bytea} (and a 40 MB {@code text}) plus a 300 MB large
 * object on PostgreSQL 15, a 100 MB {@code LONGBLOB} (and a 30 MB multi-byte {@code LONGTEXT}) on MariaDB back up and
 * restore with the same length and SHA-256 on the server. With MariaDB's {@code max_allowed_packet} below the value,
 * the restore fails at once naming the setting, the target is unchanged and the storage lock is free.
 */
@ExtendWith(DatabaseServers.class)
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
class LargeValuesBoundedMemoryTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @BeforeEach
    void heapIsBounded() {
        long max = Runtime.getRuntime().maxMemory();
        System.out.printf("LargeValuesBoundedMemoryTest: max heap %d MiB%n", max / MIB);
        assertThat(max).as("this test must run with -Xmx128m").isLessThanOrEqualTo(140 * MIB);
    }

    @Test
    void postgresBytea200MbTextAndLargeObject300MbRoundTrip(@Postgres15 TestDatabase source,
                                                            @Postgres15 TestDatabase target) throws Exception {
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id int PRIMARY KEY, b bytea, t text, v varchar(20))");
            // 1 MiB of md5 output (no period a chunk size divides), repeated server-side
            s.execute("CREATE TEMP TABLE mib AS SELECT decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') AS m"
                    + " FROM generate_series(1, 65536) i");
            s.execute("INSERT INTO big SELECT 1, decode(repeat(encode(m, 'hex'), 200) || 'abcdef', 'hex'), 'small',"
                    + " 'v' FROM mib");
            s.execute("INSERT INTO big SELECT 2, '\\x0102'::bytea, repeat(encode(m, 'base64'), 29) || E'\\\\ \\t\\n\\r',"
                    + " NULL FROM mib");
            s.execute("INSERT INTO big VALUES (3, NULL, NULL, 'x')");
            s.execute("SELECT lo_create(424242)");
            s.execute("SELECT lo_put(424242, i * 1048576, m) FROM mib, generate_series(0, 299) i");
        }
        List<String> before = postgresFingerprint(source);
        assertThat(before.get(0)).startsWith("1 209715203 ");

        Path store = dir.resolve("store");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(source.dataSource()).build()) {
            BackupId id = measure("PostgreSQL backup (200 MB bytea, 40 MB text, 300 MB large object)",
                    () -> engine.backup(BackupType.DATABASE).id());
            measure("PostgreSQL restore", () -> engine.restore(RestoreRequest.builder(id)
                    .targetDataSource(target.dataSource()).build()));
        }
        assertThat(postgresFingerprint(target)).isEqualTo(before);
    }

    @Test
    void mariaDbLongblob100MbAndLongtextRoundTrip(@MariaDb TestDatabase source, @MariaDb TestDatabase target)
            throws Exception {
        createMariaDbValues(source);
        List<String> before = mariaDbFingerprint(source);
        assertThat(before.get(0)).startsWith("1 104851038 ");

        Path store = dir.resolve("store");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(source.dataSource()).build()) {
            BackupId id = measure("MariaDB backup (100 MB LONGBLOB, 30 MB LONGTEXT)",
                    () -> engine.backup(BackupType.DATABASE).id());
            measure("MariaDB restore", () -> engine.restore(RestoreRequest.builder(id)
                    .targetDataSource(target.dataSource()).build()));
        }
        assertThat(mariaDbFingerprint(target)).isEqualTo(before);
    }

    @Test
    void aMaxAllowedPacketBelowTheValueFailsTheRestoreAtOnceNamingIt(@MariaDb TestDatabase source,
                                                                    @MariaDb TestDatabase target) throws Exception {
        createMariaDbValues(source);
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id int PRIMARY KEY, b longblob, t longtext, m mediumblob)");
            s.execute("INSERT INTO big VALUES (7, 'before', 'the restore', NULL)");
        }
        List<String> targetBefore = mariaDbFingerprint(target);
        Path store = dir.resolve("store");
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(source.dataSource()).files(media).build()) {
            BackupId id = engine.backup(BackupType.DATABASE).id();
            setGlobalMaxAllowedPacket(target, 16 * MIB);
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(id)
                        .targetDataSource(target.dataSource()).build()))
                        .isInstanceOf(BackupException.class)
                        .hasMessageContaining("max_allowed_packet")
                        .hasMessageContaining("104851038")
                        .hasMessageContaining("big");
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("LargeValuesBoundedMemoryTest: the too-small max_allowed_packet failed the restore"
                        + " after %.2f s%n", seconds);
                assertThat(seconds).as("seconds until the restore failed").isLessThan(10);
                // the lock is free: the next operation on that storage starts at once
                assertThat(engine.backup(BackupType.FILES).id()).isNotNull();
            } finally {
                setGlobalMaxAllowedPacket(target, 1024 * MIB);
            }
        }
        assertThat(mariaDbFingerprint(target)).isEqualTo(targetBefore);
    }

    private static void createMariaDbValues(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id int PRIMARY KEY, b longblob, t longtext, m mediumblob)");
            // a 2,999-byte random period (no chunk size is a multiple of it), repeated server-side
            s.execute("INSERT INTO big SELECT 1, REPEAT(CONCAT(RANDOM_BYTES(1000), RANDOM_BYTES(1000),"
                    + " RANDOM_BYTES(999)), 34962), 'small', RANDOM_BYTES(100)");
            s.execute("INSERT INTO big VALUES (2, x'00ff', REPEAT('h\u00e9llo w\u00f6rld \u2713 \\\\ \t\n', 1400000),"
                    + " REPEAT('m', 9000000))");
            s.execute("INSERT INTO big VALUES (3, NULL, NULL, NULL)");
        }
    }

    private static void setGlobalMaxAllowedPacket(TestDatabase db, long bytes) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL max_allowed_packet = " + bytes);
        }
    }

    private static List<String> postgresFingerprint(TestDatabase db) throws SQLException {
        List<String> out = rows(db, "SELECT id, octet_length(b), encode(sha256(b), 'hex'), octet_length(t),"
                + " encode(sha256(convert_to(t, 'UTF8')), 'hex'), v FROM big ORDER BY id");
        out.addAll(rows(db, "SELECT oid, octet_length(lo_get(oid)), encode(sha256(lo_get(oid)), 'hex')"
                + " FROM pg_largeobject_metadata ORDER BY oid"));
        return out;
    }

    private static List<String> mariaDbFingerprint(TestDatabase db) throws SQLException {
        return rows(db, "SELECT id, LENGTH(b), SHA2(b, 256), LENGTH(t), SHA2(t, 256), LENGTH(m), SHA2(m, 256)"
                + " FROM big ORDER BY id");
    }

    private static List<String> rows(TestDatabase db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    /**
     * Runs the step, printing its wall time and the most heap in use during it (sampled every 10 ms, garbage not yet
     * collected included): the figures in the docs.
     */
    private static <T> T measure(String what, Callable<T> step) throws Exception {
        System.gc();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        try {
            return step.call();
        } finally {
            done.set(true);
            sampler.join();
            System.out.printf("LargeValuesBoundedMemoryTest: %s took %.1f s, peak heap in use %d MiB (max %d MiB)%n",
                    what, (System.nanoTime() - start) / 1e9, peak.get() / MIB, Runtime.getRuntime().maxMemory() / MIB);
        }
    }
}
