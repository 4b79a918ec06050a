package io.backupkit.jdbc.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.testkit.db.DatabaseRestoreModesContract;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.TestSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * SQLite through the fidelity contract: a fixture with every kind of object SQLite has (triggers of every timing,
 * an INSTEAD OF trigger on a view, views on views, WITHOUT ROWID, virtual and stored generated columns, partial and
 * expression indexes, AUTOINCREMENT counters past the highest row, user_version and application_id), compared by
 * {@code sqlite_master} + {@code sqlite_sequence} + pragmas.
 */
class SqliteFidelityTest extends DatabaseRestoreModesContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static final List<String> FIXTURE = List.of(
            "PRAGMA user_version = 42",
            "PRAGMA application_id = 1111705419",
            "CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE COLLATE NOCASE, "
                    + "name TEXT, created TEXT DEFAULT (datetime('now')), CHECK (email LIKE '%@%'))",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NOT NULL "
                    + "REFERENCES customers (id) ON DELETE CASCADE, qty INTEGER NOT NULL CHECK (qty > 0), "
                    + "price REAL NOT NULL, total REAL GENERATED ALWAYS AS (qty * price) VIRTUAL, "
                    + "label TEXT GENERATED ALWAYS AS (upper(substr('order-' || id, 1, 20))) STORED, status TEXT DEFAULT 'new')",
            "CREATE TABLE tags (name TEXT PRIMARY KEY, weight INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID",
            "CREATE TABLE order_tags (order_id INTEGER NOT NULL REFERENCES orders (id), tag TEXT NOT NULL REFERENCES tags (name), "
                    + "PRIMARY KEY (order_id, tag)) WITHOUT ROWID",
            "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT NOT NULL, at INTEGER)",
            "CREATE INDEX orders_open ON orders (customer_id) WHERE status <> 'done'",
            "CREATE INDEX customers_lower_name ON customers (lower(name), length(name) DESC)",
            "CREATE UNIQUE INDEX audit_what ON audit (what, at)",
            "CREATE VIEW customer_totals AS SELECT c.id, c.email, sum(o.total) AS spent FROM customers c "
                    + "LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id",
            "CREATE VIEW big_customers AS SELECT * FROM customer_totals WHERE spent > 10",
            "CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN "
                    + "INSERT INTO audit (what, at) VALUES ('order ' || NEW.id, NEW.qty); END",
            "CREATE TRIGGER orders_done BEFORE UPDATE OF status ON orders WHEN NEW.status = 'done' BEGIN "
                    + "INSERT INTO audit (what, at) VALUES ('done ' || NEW.id, 0); END",
            "CREATE TRIGGER tags_no_delete BEFORE DELETE ON tags WHEN OLD.weight > 100 BEGIN "
                    + "SELECT RAISE(ABORT, 'heavy tags stay'); END",
            "CREATE TRIGGER big_customers_rename INSTEAD OF UPDATE OF email ON big_customers BEGIN "
                    + "UPDATE customers SET email = NEW.email WHERE id = OLD.id; END",
            "INSERT INTO customers (email, name) VALUES ('a@x.org', 'Ann'), ('b@x.org', 'Bob'), ('c@x.org', 'Cé 😀'), "
                    + "('d@x.org', NULL)",
            "DELETE FROM customers WHERE email = 'd@x.org'", // the counter stays past the highest row
            "INSERT INTO tags VALUES ('red', 1), ('blue', 200), ('x''y', 3)",
            "INSERT INTO orders (customer_id, qty, price) VALUES (1, 2, 3.5), (1, 1, 10), (2, 5, 0.25), (3, 1, 99.99)",
            "UPDATE orders SET status = 'done' WHERE id = 2",
            "INSERT INTO order_tags VALUES (1, 'red'), (1, 'blue'), (3, 'x''y')",
            "INSERT INTO audit (what, at) VALUES ('manual', NULL)",
            "DELETE FROM audit WHERE what = 'manual'");

    @Override
    protected DatabaseDumper newDumper() {
        return new SqliteDumper();
    }

    @Override
    protected DataSource newDatabase() throws Exception {
        Path dir = tempDir.resolve("db");
        Files.createDirectories(dir);
        return SqliteDumperTest.sqlite(dir.resolve("fidelity-" + COUNTER.incrementAndGet() + ".db").toString());
    }

    @Override
    protected void createFixture(DataSource db) throws Exception {
        TestSql.execute(db, FIXTURE);
    }

    @Override
    protected String schemaDump(DataSource db) throws Exception {
        return SqliteSchemaDump.schemaDump(db);
    }

    @Override
    protected Map<String, String> contentDigests(DataSource db) throws Exception {
        return SqliteSchemaDump.contentDigests(db);
    }

    @Override
    protected String refusingTrigger() {
        return "CREATE TRIGGER refuse BEFORE INSERT ON orders BEGIN SELECT RAISE(ABORT, 'the trigger fired'); END";
    }

    @Override
    protected String extraTrigger() {
        return "CREATE TRIGGER extra AFTER INSERT ON tags BEGIN SELECT 1; END";
    }

    @Override
    protected String parentTable() {
        return "tags";
    }

    @Override
    protected List<String> changeParentRows() {
        return List.of("UPDATE tags SET weight = 5 WHERE name = 'red'");
    }

    @Override
    protected List<String> addOrphanCandidate() {
        return List.of("INSERT INTO tags VALUES ('green', 2)", "INSERT INTO order_tags VALUES (4, 'green')");
    }

    @Override
    protected List<String> orphanRefusalNames() {
        return List.of("order_tags", "(tag)", "tag=green");
    }

    @Override
    protected List<String> foreignKeyViolations(DataSource db) throws Exception {
        return SqliteSchemaDump.foreignKeyViolations(db);
    }

    @Test
    void theFixtureHoldsEveryKindAndTheDumpRecordsThem() throws Exception {
        String dump = schemaDump(fixture());
        assertThat(dump).contains("trigger|orders_audit", "trigger|big_customers_rename", "view|big_customers",
                "WITHOUT ROWID", "GENERATED ALWAYS", "WHERE status <> 'done'", "user_version=42",
                "application_id=1111705419", "sqlite_sequence|customers|4");
    }

    @Test
    void aFailureHalfWayThroughARestoreLeavesTheTargetAsItWas() throws Exception {
        DataSource source = fixture();
        DirectoryBackup backup = backUp(source);
        DataSource target = newDatabase();
        backup.restore(newDumper(), target, RestoreMode.REPLACE);
        TestSql.execute(target, List.of("INSERT INTO tags VALUES ('extra', 7)", "PRAGMA user_version = 7",
                "CREATE TRIGGER extra AFTER INSERT ON tags BEGIN SELECT 1; END"));
        String schemaBefore = schemaDump(target);
        Map<String, String> contentBefore = contentDigests(target);
        SqliteSchemaDump.corruptLastTable(backup);

        assertThatThrownBy(() -> backup.restore(newDumper(), target, RestoreMode.REPLACE)).isNotNull();

        assertThat(schemaDump(target)).isEqualTo(schemaBefore);
        assertThat(contentDigests(target)).isEqualTo(contentBefore);
    }
}
