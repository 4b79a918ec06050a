package io.backupkit.core;

import io.backupkit.api.RecoveryReport.Outcome;
import io.backupkit.core.KilledDatabaseRestoreChild.StopAt;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.DatabaseServers;
import java.util.List;

/**
 * The database kill matrix on MariaDB, whose REPLACE is not one transaction (each DDL commits): killed before the
 * load, nothing was changed; killed once the tables were dropped, recovery puts the database back from the safety
 * backup (dropping what the restore created first).
 */
class KilledMariaDbRestoreTest extends KilledDatabaseRestoreContract {
    @Override
    DatabaseServer server() {
        return DatabaseServers.mariadb();
    }

    @Override
    List<String> fixture() {
        return List.of(
                "CREATE TABLE customers (id int PRIMARY KEY, name varchar(100) NOT NULL, UNIQUE KEY uq_name (name))",
                "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total decimal(10,2), note text,"
                        + " KEY ix_customer (customer_id), CONSTRAINT fk_customer FOREIGN KEY (customer_id)"
                        + " REFERENCES customers (id))",
                "CREATE TABLE audit (id int AUTO_INCREMENT PRIMARY KEY, msg varchar(200))",
                "CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit (msg)"
                        + " VALUES (CONCAT('order ', NEW.id))",
                "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 50",
                "INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_200",
                "INSERT INTO orders SELECT seq, 1 + seq % 200, seq * 0.37, REPEAT('x', seq % 50) FROM seq_1_to_600");
    }

    @Override
    List<String> changesAfterBackup() {
        return List.of("UPDATE customers SET name = CONCAT(name, ' (moved)') WHERE id <= 10",
                "DELETE FROM orders WHERE id > 590",
                "INSERT INTO customers VALUES (1000, 'signed up after the backup')",
                "ALTER TABLE orders ADD COLUMN shipped tinyint NOT NULL DEFAULT 0");
    }

    @Override
    Outcome expected(StopAt stopAt) {
        return switch (stopAt) {
            case AFTER_INTENT, DURING_SAFETY_BACKUP -> Outcome.UNCHANGED;
            case MID_LOAD, DURING_SWAP, AFTER_SWAP -> Outcome.ROLLED_BACK;
        };
    }
}
