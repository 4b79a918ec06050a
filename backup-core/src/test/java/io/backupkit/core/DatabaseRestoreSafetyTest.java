package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RestoreFailedException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.core.internal.Sha256;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore that cannot lose data, through the engine against real servers: a restore whose data load fails at table k
 * of n leaves every table exactly as before (hashed), the history says ROLLED_BACK with the cause, and the safety
 * backup is listed and restorable on its own. PostgreSQL rolls back its one transaction; MariaDB, whose DDL is not
 * transactional, is put back from the safety backup. Also a FULL backup and dry run on SQLite.
 */
@ExtendWith(DatabaseServers.class)
class DatabaseRestoreSafetyTest {
    private static final List<String> TABLES = List.of("customers", "products", "orders", "order_items");

    @TempDir
    Path tmp;

    @Test
    void postgresRestoreFailingAtTableKOfNLeavesEveryTableAsBefore(@Postgres15 TestDatabase db) throws Exception {
        failingRestoreIsRolledBack(db, "integer");
    }

    @Test
    void mariaDbRestoreFailingAtTableKOfNIsPutBackFromTheSafetyBackup(@MariaDb TestDatabase db) throws Exception {
        failingRestoreIsRolledBack(db, "int");
    }

    private void failingRestoreIsRolledBack(TestDatabase db, String intType) throws Exception {
        createShop(db, intType);
        BackupEngine engine = BackupKit.builder().storage(new InMemoryStorageProvider()).dataSource(db.dataSource())
                .build().withActor("ops-team");
        BackupId backup = engine.backup(BackupType.DATABASE).id();

        // Life goes on after the backup...
        exec(db, "UPDATE customers SET name = 'renamed' WHERE id = 1",
                "DELETE FROM order_items WHERE id = 3",
                "INSERT INTO customers (id, name) VALUES (100, 'new customer')",
                "UPDATE order_items SET quantity = 1");
        // ...and a migration added a rule that the backed-up rows of table 4 of 4 break (quantities up to 9).
        exec(db, "ALTER TABLE order_items ADD CONSTRAINT small_orders CHECK (quantity < 5)");
        Map<String, String> before = hashes(db);

        // A dry run reports per table what would change, and changes nothing.
        RestoreResult dry = engine.restore(RestoreRequest.builder(backup).mode(RestoreMode.DATA_ONLY).validateOnly(true).build());
        assertThat(dry.validateOnly()).isTrue();
        assertThat(dry.tables()).extracting(t -> t.table().substring(t.table().lastIndexOf('.') + 1))
                .containsExactlyInAnyOrderElementsOf(TABLES);
        assertThat(dry.tables()).filteredOn(t -> t.table().endsWith("customers")).singleElement()
                .satisfies(t -> assertThat(t.rowsBefore()).isEqualTo(3));
        assertThat(hashes(db)).isEqualTo(before);

        assertThatThrownBy(() -> engine.restore(RestoreRequest.builder(backup).mode(RestoreMode.DATA_ONLY).build()))
                .isInstanceOfSatisfying(RestoreFailedException.class, e -> {
                    assertThat(e.targetState()).isEqualTo(RestoreFailedException.TargetState.ROLLED_BACK);
                    assertThat(e.safetyBackup()).isPresent();
                    assertThat(e.getMessage()).contains("order_items");
                });
        assertThat(hashes(db)).isEqualTo(before);

        OperationRecord restore = engine.history(HistoryQuery.all().withOperation(Operation.RESTORE)).get(0);
        assertThat(restore.status()).isEqualTo(BackupStatus.ROLLED_BACK);
        assertThat(restore.error()).get().asString().contains("order_items");
        assertThat(restore.actor()).isEqualTo("ops-team");
        BackupId safety = restore.safetyBackup().orElseThrow();
        assertThat(engine.list()).anySatisfy(b -> {
            assertThat(b.id()).isEqualTo(safety);
            assertThat(b.type()).isEqualTo(BackupType.SAFETY);
            assertThat(b.tables()).isEqualTo(TABLES.size());
        });

        // The safety backup restores on its own, over a changed database, to exactly the state before.
        exec(db, "DELETE FROM order_items", "DELETE FROM orders");
        engine.restore(RestoreRequest.builder(safety).mode(RestoreMode.DATA_ONLY).safetyBackup(false).build());
        assertThat(hashes(db)).isEqualTo(before);
    }

    /** The rollback of a REPLACE restore that created tables drops them again, foreign keys between them or not. */
    @Test
    void mariaDbDropsTablesARestoreCreatedForeignKeysNotwithstanding(@MariaDb TestDatabase db) throws Exception {
        createShop(db, "int");
        var dumper = io.backupkit.core.internal.Providers.dumperFor(db.dataSource(), getClass().getClassLoader());
        assertThat(dumper.restoresAtomically(db.dataSource())).isFalse();
        dumper.dropTables(db.dataSource(), List.of("customers", "orders", "order_items")); // parents first on purpose
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
            List<String> left = new java.util.ArrayList<>();
            while (rs.next()) {
                left.add(rs.getString("TABLE_NAME"));
            }
            assertThat(left).containsExactly("products");
        }
    }

    @Test
    void sqliteFullBackupDryRunAndRestore() throws Exception {
        Path file = tmp.resolve("shop.db");
        org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : shopDdl("integer")) {
                s.execute(sql);
            }
        }
        Path media = java.nio.file.Files.createDirectories(tmp.resolve("media/invoices"));
        java.nio.file.Files.writeString(media.resolve("1.pdf"), "invoice 1");
        BackupEngine engine = BackupKit.builder().storage(new InMemoryStorageProvider()).dataSource(ds)
                .files(tmp.resolve("media")).build();
        var full = engine.backup(BackupType.FULL);
        assertThat(full.manifest().database().orElseThrow().dumper()).isEqualTo("sqlite");
        assertThat(io.backupkit.core.internal.Providers.dumperFor(ds, getClass().getClassLoader()).restoresAtomically(ds)).isTrue();
        assertThat(full.manifest().database().orElseThrow().totalRows()).isEqualTo(2 + 2 + 3 + 5);

        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM order_items WHERE id > 2");
        }
        java.nio.file.Files.writeString(media.resolve("1.pdf"), "tampered");
        RestoreResult dry = engine.restore(RestoreRequest.builder(full.id()).validateOnly(true).build());
        assertThat(dry.tables()).filteredOn(t -> t.table().endsWith("order_items")).singleElement()
                .satisfies(t -> {
                    assertThat(t.rowsBefore()).isEqualTo(2);
                    assertThat(t.rowsAfter()).isEqualTo(5);
                });
        assertThat(dry.files().get(0).replaced()).isEqualTo(1);

        RestoreResult done = engine.restore(RestoreRequest.of(full.id()));
        assertThat(done.safetyBackup()).isPresent();
        assertThat(count(ds, "order_items")).isEqualTo(5);
        assertThat(java.nio.file.Files.readString(media.resolve("1.pdf"))).isEqualTo("invoice 1");
    }

    private static List<String> shopDdl(String intType) {
        return List.of(
                "CREATE TABLE customers (id " + intType + " PRIMARY KEY, name varchar(100) NOT NULL)",
                "CREATE TABLE products (id " + intType + " PRIMARY KEY, title varchar(100) NOT NULL, price decimal(10,2))",
                "CREATE TABLE orders (id " + intType + " PRIMARY KEY, customer_id " + intType
                        + " NOT NULL REFERENCES customers(id), placed varchar(30))",
                "CREATE TABLE order_items (id " + intType + " PRIMARY KEY, order_id " + intType
                        + " NOT NULL REFERENCES orders(id), product_id " + intType + " NOT NULL REFERENCES products(id), quantity "
                        + intType + " NOT NULL)",
                "INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace')",
                "INSERT INTO products VALUES (1, 'Book', 12.50), (2, 'Pen', 1.99)",
                "INSERT INTO orders VALUES (1, 1, '2026-01-01'), (2, 2, '2026-01-02'), (3, 1, '2026-01-03')",
                "INSERT INTO order_items VALUES (1, 1, 1, 1), (2, 1, 2, 3), (3, 2, 1, 9), (4, 3, 2, 7), (5, 3, 1, 2)");
    }

    private static void createShop(TestDatabase db, String intType) throws SQLException {
        exec(db, shopDdl(intType).toArray(String[]::new));
    }

    private static void exec(TestDatabase db, String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static long count(javax.sql.DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every table's rows in key order, hashed. */
    private static Map<String, String> hashes(TestDatabase db) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                StringBuilder rows = new StringBuilder();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            rows.append(rs.getString(i)).append('|');
                        }
                        rows.append('\n');
                    }
                }
                out.put(table, Sha256.of(rows.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }
}
