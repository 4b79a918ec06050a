package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.MariaDbFixture;
import io.backupkit.testkit.db.MariaDbSchemaDump;
import io.backupkit.testkit.db.TestDatabase;
import io.backupkit.testkit.db.TestSql;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 3 on MariaDB, whose DDL is not transactional: a REPLACE of the fidelity fixture that fails half-way
 * (its objects and tables dropped, some re-created, rows being loaded) is put back from the engine's safety backup
 * so that {@code mariadb-dump --no-data --routines --triggers --events} and every table's rows are exactly as
 * before: triggers, routines (one changed since the backup, one the backup has and the target had not), events,
 * views, sequences and partitioned tables included.
 */
@ExtendWith(DatabaseServers.class)
class MariaDbFailedRestoreFidelityTest {

    @Test
    void aReplaceFailingHalfWayLeavesTheSchemaDumpAndEveryRowAsBefore(@MariaDb TestDatabase db) throws Exception {
        DataSource target = MariaDbSchemaDump.register(db);
        TestSql.execute(target, MariaDbFixture.STATEMENTS);
        // The restore checks every object before it starts (read 1), then loads it (read 2): that read fails.
        AtomicReference<String> failReadsOf = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider())
                .failCalls(Verb.GET, key -> failReadsOf.get() != null && key.contains(failReadsOf.get())
                        && key.contains(".places.rows") && reads.incrementAndGet() == 2)
                .retryable(false).build();
        BackupEngine engine = BackupKit.builder().storage(storage).dataSource(target).build();
        BackupId backup = engine.backup(BackupType.DATABASE).id();

        // After the backup: rows change, a trigger the backup lacks, a function changed, a procedure dropped
        // (the failed restore creates it before it fails), a new event and a table of the target's own.
        TestSql.execute(target, List.of(
                "UPDATE customers SET name = 'changed' WHERE id = 1",
                "INSERT INTO customers (email, name) VALUES ('e@x.org', 'Eve')",
                "DELETE FROM events_log WHERE what = 'manual 2'",
                "INSERT INTO orders (customer_id, qty, price, created) VALUES (5, 3, 1.5, '2024-06-01')",
                "CREATE TRIGGER audit_upper BEFORE INSERT ON audit FOR EACH ROW SET NEW.what = UPPER(NEW.what)",
                "DROP FUNCTION net",
                "CREATE FUNCTION net(p DECIMAL(10,2)) RETURNS DECIMAL(10,2) DETERMINISTIC RETURN p * 0.5",
                "DROP PROCEDURE bump",
                "CREATE EVENT weekly ON SCHEDULE EVERY 1 WEEK STARTS '2030-01-01 00:00:00' DISABLE DO DELETE FROM audit",
                "CREATE TABLE notes (id INT PRIMARY KEY, customer_id INT, FOREIGN KEY (customer_id) REFERENCES customers (id))",
                "INSERT INTO notes VALUES (1, 1)"));
        String schemaBefore = MariaDbSchemaDump.schemaDump(target);
        Map<String, String> contentBefore = MariaDbSchemaDump.contentDigests(target);
        failReadsOf.set(backup.value());

        assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(backup).mode(RestoreMode.REPLACE).build()))
                .isInstanceOfSatisfying(RestoreFailedException.class, e -> {
                    assertThat(e.targetState()).isEqualTo(RestoreFailedException.TargetState.ROLLED_BACK);
                    // the REPLACE loads staging tables and swaps them in with one RENAME TABLE; its safety backup is
                    // taken from the moved-aside tables after the swap, so a load that fails leaves no safety backup:
                    // the staging tables are dropped and the target was never touched
                    assertThat(e.safetyBackup()).isEmpty();
                    assertThat(e.getMessage()).contains("places");
                });

        assertThat(storage.faultsInjected()).as("the injected failure happened").isPositive();
        assertThat(MariaDbSchemaDump.schemaDump(target)).as("schema dump after the failed restore").isEqualTo(schemaBefore);
        assertThat(MariaDbSchemaDump.contentDigests(target)).as("rows after the failed restore").isEqualTo(contentBefore);
    }
}
