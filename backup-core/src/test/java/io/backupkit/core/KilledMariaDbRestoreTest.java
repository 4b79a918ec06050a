package io.backupkit.core;

import io.backupkit.api.RecoveryReport.Outcome;
import io.backupkit.core.KilledDatabaseRestoreChild.StopAt;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.DatabaseServers;
import java.util.List;

/**
 * The database kill matrix on MariaDB, whose REPLACE loads staging tables and swaps them in with one RENAME TABLE,
 * then takes the safety backup from the replaced tables it moved aside: killed before the swap (after the intent
 * record, mid-load), nothing was changed and the staging tables are dropped; killed at the swap or during the safety
 * backup, the swap is undone from the moved-aside tables; killed during clean-up (safety backup complete), the restore
 * is finished. The table {@code notes}, outside the backup, references {@code customers}: its foreign key must end up
 * on whichever table is then named {@code customers}.
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
                "CREATE FUNCTION order_label(n INT) RETURNS VARCHAR(40) DETERMINISTIC RETURN CONCAT('order #', n)",
                "CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 03:00:00' DISABLE"
                        + " DO DELETE FROM audit WHERE id < 0",
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
    List<String> outsideTheBackup() {
        return List.of("CREATE TABLE notes (id int PRIMARY KEY, customer_id int NOT NULL, body text,"
                        + " CONSTRAINT fk_notes_customer FOREIGN KEY (customer_id) REFERENCES customers (id)"
                        + " ON DELETE CASCADE)",
                "INSERT INTO notes SELECT seq, 1 + seq % 150, CONCAT('note ', seq) FROM seq_1_to_50");
    }

    @Override
    Outcome expected(StopAt stopAt) {
        return switch (stopAt) {
            case AFTER_INTENT, MID_LOAD -> Outcome.UNCHANGED;
            case DURING_SWAP, DURING_SAFETY_BACKUP -> Outcome.ROLLED_BACK;
            case AFTER_SWAP -> Outcome.COMPLETED;
        };
    }

    @Override
    List<String> leftovers() throws Exception {
        List<String> names = new java.util.ArrayList<>();
        try (var c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT TABLE_NAME FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'backupkit%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
