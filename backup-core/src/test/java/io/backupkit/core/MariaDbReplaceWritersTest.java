package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, acceptance 3 (MariaDB): an application keeps inserting a row every 20 ms during a REPLACE through the
 * engine; every row whose INSERT returned without error is afterwards in the restored table or in the safety backup,
 * checked by id. The REPLACE loads staging tables while the application writes to the old ones, swaps them in with one
 * RENAME TABLE and takes the safety backup from the moved-aside old tables, so the rows written during the load are
 * in it; the rows written after the swap are in the restored table.
 */
@ExtendWith(DatabaseServers.class)
class MariaDbReplaceWritersTest {
    private static final int ORDERS = 300_000;
    private static final long FIRST_WRITER_ID = 10_000_000L;

    @TempDir
    Path tmp;

    @Test
    void everyRowAWriterCommittedDuringAReplaceIsRestoredOrInTheSafetyBackup(@MariaDb TestDatabase source,
            @MariaDb TestDatabase target, @MariaDb TestDatabase scratch) throws Exception {
        String schema = "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB";
        String orders = "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT NOT NULL, note VARCHAR(80),"
                + " FOREIGN KEY (customer) REFERENCES customers (id)) ENGINE=InnoDB";
        CommittedRowsWriter.sql(source, schema, orders,
                "INSERT INTO customers SELECT seq, CONCAT('c', seq) FROM seq_1_to_1000",
                "INSERT INTO orders SELECT seq, 1 + seq % 1000, CONCAT(REPEAT('o', 40), seq) FROM seq_1_to_" + ORDERS);
        CommittedRowsWriter.sql(target, schema, orders,
                "INSERT INTO customers SELECT seq, CONCAT('old', seq) FROM seq_1_to_1000",
                "INSERT INTO orders SELECT seq, 1 + seq % 1000, 'old' FROM seq_1_to_1000");
        Path store = tmp.resolve("store");
        BackupId id;
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(source.dataSource()).build()) {
            id = engine.backup(BackupType.DATABASE).id();
        }

        CommittedRowsWriter writer = new CommittedRowsWriter(target, FIRST_WRITER_ID);
        Thread thread = new Thread(writer, "writer");
        RestoreResult result;
        long restoreStarted;
        long restoreEnded;
        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store))
                .dataSource(target.dataSource()).build()) {
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
        } finally {
            writer.stop.set(true);
            thread.join(30_000);
        }
        writer.report(restoreEnded - restoreStarted);
        assertThat(writer.committedAt.stream().filter(t -> t > restoreStarted && t < restoreEnded))
                .as("rows the writer committed while the restore ran").isNotEmpty();

        Set<Long> restored = CommittedRowsWriter.ids(target);
        assertThat(restored).as("the backup's rows are restored").hasSizeGreaterThanOrEqualTo(ORDERS)
                .contains(1L, (long) ORDERS).doesNotContain(FIRST_WRITER_ID);
        Set<Long> saved = CommittedRowsWriter.ids(scratch);
        List<Long> lost = writer.committedNotIn(restored, saved);
        assertThat(saved).as("the safety backup holds the old rows and what was written before the swap")
                .contains(1L, FIRST_WRITER_ID);
        assertThat(lost).as("committed rows neither restored nor in the safety backup (of " + writer.committed.size()
                + " committed)").isEmpty();
    }
}
