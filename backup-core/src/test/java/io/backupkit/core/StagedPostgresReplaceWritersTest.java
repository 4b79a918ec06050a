package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreFailedException.TargetState;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, acceptance 3 (PostgreSQL): an application keeps inserting a row every 20 ms during a staged (parallel)
 * REPLACE through the engine; every row whose INSERT returned without error is afterwards in the restored table or
 * in the safety backup, checked by id. Before the write fence, the rows committed between the safety backup's
 * snapshot and the swap went to the old tables, which the swap dropped: neither restored nor saved.
 */
@ExtendWith(DatabaseServers.class)
class StagedPostgresReplaceWritersTest {
    private static final int ORDERS = 300_000;
    private static final int ITEMS = 200_000;
    private static final long FIRST_WRITER_ID = 10_000_000L;

    @TempDir
    Path tmp;

    @Test
    void everyRowAWriterCommittedDuringAStagedReplaceIsRestoredOrInTheSafetyBackup(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target, @Postgres15 TestDatabase scratch) throws Exception {
        replaceWhileWriting(source, target, scratch, 2);
    }

    /** The single-transaction path (one connection) holds back writes from the safety backup on too. */
    @Test
    void everyRowAWriterCommittedDuringASingleTransactionReplaceIsRestoredOrInTheSafetyBackup(
            @Postgres15 TestDatabase source, @Postgres15 TestDatabase target, @Postgres15 TestDatabase scratch)
            throws Exception {
        replaceWhileWriting(source, target, scratch, 1);
    }

    /**
     * A staged REPLACE that fails mid-load (reading the backup fails) releases the writers that waited onto the old
     * tables, which it left unchanged: their rows are there, and the next write does not wait.
     */
    @Test
    void aFailedStagedReplaceReleasesTheWritersOntoTheUnchangedTables(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        BackupId id = backupAndOlderTarget(source, target);
        StorageProvider local = LocalStorageProvider.at(tmp.resolve("store"));
        StorageProvider failingLoads = (StorageProvider) Proxy.newProxyInstance(StorageProvider.class.getClassLoader(),
                new Class<?>[] {StorageProvider.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get") && args[0] instanceof String key && key.contains(".copy")
                            && stagingExists(target)) {
                        throw new StorageException("storage went away while the restore read " + key, false);
                    }
                    try {
                        return method.invoke(local, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        CommittedRowsWriter writer = new CommittedRowsWriter(target, FIRST_WRITER_ID);
        Thread thread = new Thread(writer, "writer");
        try (BackupEngine engine = BackupKit.builder().storage(failingLoads).dataSource(target.dataSource())
                .parallelism(2).build()) {
            thread.start();
            while (writer.committed.size() < 5) {
                Thread.sleep(10);
            }
            assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(id).mode(RestoreMode.REPLACE).build()))
                    .isInstanceOfSatisfying(RestoreFailedException.class, e ->
                            assertThat(e.targetState()).isIn(TargetState.UNCHANGED, TargetState.ROLLED_BACK));
        } finally {
            writer.stop.set(true);
            thread.join(30_000);
        }
        assertThat(thread.isAlive()).as("the writer still waits for a lock after the failed restore").isFalse();
        assertThat(writer.failures).isEmpty();
        assertThat(CommittedRowsWriter.ids(target)).as("the old table, with every row the writer committed")
                .hasSize(1000 + writer.committed.size()).containsAll(writer.committed);
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = '10s'"); // a fence left behind would make this fail, not hang
            st.execute("INSERT INTO orders VALUES (" + (FIRST_WRITER_ID - 1) + ", 1, 'after')");
        }
    }

    private BackupId backupAndOlderTarget(TestDatabase source, TestDatabase target) throws SQLException {
        String schema = "CREATE TABLE customers (id int PRIMARY KEY, name text);"
                + "CREATE TABLE orders (id bigint PRIMARY KEY, customer int NOT NULL REFERENCES customers, note text);"
                + "CREATE TABLE items (id bigint PRIMARY KEY, sku text, qty int)";
        CommittedRowsWriter.sql(source, schema,
                "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 1000) g",
                "INSERT INTO orders SELECT g, 1 + g % 1000, repeat('o', 40) || g FROM generate_series(1, " + ORDERS + ") g",
                "INSERT INTO items SELECT g, 'sku' || g, g % 7 FROM generate_series(1, " + ITEMS + ") g");
        CommittedRowsWriter.sql(target, schema,
                "INSERT INTO customers SELECT g, 'old' || g FROM generate_series(1, 1000) g",
                "INSERT INTO orders SELECT g, 1 + g % 1000, 'old' FROM generate_series(1, 1000) g",
                "INSERT INTO items SELECT g, 'old', 0 FROM generate_series(1, 1000) g");
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(tmp.resolve("store")))
                .dataSource(source.dataSource()).build()) {
            return engine.backup(BackupType.DATABASE).id();
        }
    }

    private void replaceWhileWriting(TestDatabase source, TestDatabase target, TestDatabase scratch, int parallelism)
            throws Exception {
        BackupId id = backupAndOlderTarget(source, target);
        Path store = tmp.resolve("store");
        CommittedRowsWriter writer = new CommittedRowsWriter(target, FIRST_WRITER_ID);
        Thread thread = new Thread(writer, "writer");
        RestoreResult result;
        long restoreStarted;
        long restoreEnded;
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(target.dataSource()).parallelism(parallelism).build()) {
            thread.start();
            while (writer.committed.size() < 5) {
                Thread.sleep(10); // the writer is up before the restore starts
            }
            restoreStarted = System.nanoTime();
            result = engine.restore(RestoreRequest.builder(id).mode(RestoreMode.REPLACE).build());
            restoreEnded = System.nanoTime();
            Thread.sleep(200);
            writer.stop.set(true);
            thread.join();

            assertThat(result.safetyBackup()).isPresent();
            // the safety backup, restored elsewhere, says what the replaced tables held
            engine.restore(RestoreRequest.builder(result.safetyBackup().get()).mode(RestoreMode.REPLACE)
                    .targetDataSource(scratch.dataSource()).safetyBackup(false).build());
        }
        writer.report(restoreEnded - restoreStarted);
        assertThat(writer.committedAt.stream().filter(t -> t > restoreStarted && t < restoreEnded))
                .as("rows the writer committed while the restore ran").isNotEmpty();

        Set<Long> restored = CommittedRowsWriter.ids(target);
        assertThat(restored).as("the backup's rows are restored").hasSizeGreaterThanOrEqualTo(ORDERS)
                .contains(1L, (long) ORDERS);
        Set<Long> saved = CommittedRowsWriter.ids(scratch);
        List<Long> lost = writer.committedNotIn(restored, saved);
        // what a writer sees: its INSERT waits while the restore runs, then goes into the restored table
        assertThat(restored).as("the row whose INSERT waited longest").contains(writer.longestId.get());
        assertThat(lost).as("committed rows neither restored nor in the safety backup (of " + writer.committed.size()
                + " committed)").isEmpty();
    }

    private static boolean stagingExists(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'backupkit\\_restore\\_%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

}
