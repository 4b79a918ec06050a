package io.backupkit.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.CancelledException;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.MergeConflictPolicy;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreResult.TableChange;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpSummary;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.backupkit.api.CancelledException;
import io.backupkit.api.MergeConflictPolicy;
import java.sql.Date;
import java.sql.Types;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The round-trip contract every {@link DatabaseDumper} passes, next to the fidelity contract: back up a realistic
 * application schema (13 tables, a self-referencing foreign key, a foreign-key cycle, composite keys, unique
 * constraints, indexes, auto-increment keys, a sequence where the engine has them), restore it with every
 * {@link RestoreMode}, table selections and schema mappings, and compare the schema and every row; plus the errors
 * that must come before anything changes (unknown tables, cancellation, MERGE key collisions, missing tables).
 *
 * <p>An engine's test extends it and supplies the dumper, fresh databases, identifier quoting, the schema as the
 * engine sees it ({@link #schemaModel}) and a few DDL fragments. Rows are compared with {@link DatabaseContents}.
 */
public abstract class DatabaseDumperRoundTripContract {

    /** The tables of the application schema, in creation order (unquoted, lower case). */
    protected static final List<String> APP_TABLES = List.of("schools", "departments", "employees", "users", "categories",
            "products", "orders", "order_items", "students", "courses", "enrollments", "invoices", "payments");

    @TempDir
    protected Path tempDir;

    protected DatabaseDumper dumper;
    protected DataSource source;

    /** A new dumper for the engine under test. */
    protected abstract DatabaseDumper newDumper();

    /** A new, empty database (a distinct name each call). */
    protected abstract DataSource createDatabase(String name) throws Exception;

    /** The identifier quoted for the engine's SQL, exactly as stored (e.g. {@code "Order"} or {@code `Order`}). */
    protected abstract String quote(String identifier);

    /**
     * The schema of the database as the engine reads it, one comparable text per table, sequence and view, keyed by
     * kind and name and without the name of the schema it lives in: two databases with the same objects give equal
     * maps. The dumper's own schema reader is the natural source.
     */
    protected abstract Map<String, String> schemaModel(DataSource ds) throws SQLException;

    /** Column definition of an auto-generated BIGINT primary key named {@code id}. */
    protected abstract String idColumn();

    /** Type of a timestamp column with microsecond precision. */
    protected String timestampType() {
        return "TIMESTAMP";
    }

    /** Type of a binary column for up to a few MB. */
    protected String blobType() {
        return "BLOB";
    }

    /** Type of a long text column. */
    protected String textType() {
        return "TEXT";
    }

    protected String booleanType() {
        return "BOOLEAN";
    }

    /** Whether {@code ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY} works (not SQLite). */
    protected boolean canAlterAddForeignKey() {
        return true;
    }

    /** DDL of a standalone sequence {@code invoice_numbers}, where the engine has sequences. */
    protected Optional<String> sequenceDdl() {
        return Optional.empty();
    }

    /** SQL that returns the next value of sequence {@code invoice_numbers}. */
    protected String nextValueSql() {
        throw new UnsupportedOperationException("no sequences");
    }

    /** How table names appear in the engine's metadata (H2 upper-cases unquoted names). */
    protected String stored(String unquoted) {
        return unquoted;
    }

    /** The table qualified for a query against {@code ds} (unqualified by default: the connection's schema). */
    protected String table(String unquoted) {
        return quote(stored(unquoted));
    }

    @BeforeEach
    void setUpSource() throws Exception {
        dumper = newDumper();
        source = createDatabase("source");
    }

    // ============================================================ scenarios (issue 3, acceptance 1 and 2)

    @Test
    void replaceIntoEmptyDatabaseRestoresSchemaAndEveryRow() throws Exception {
        DirectoryBackup backup = appBackup();
        assertThat(backup.summary().tables()).hasSize(APP_TABLES.size());

        DataSource target = createDatabase("empty_target");
        List<TableChange> changes = backup.restore(dumper, target, RestoreMode.REPLACE);

        assertThat(changes).hasSize(APP_TABLES.size()).allMatch(ch -> ch.rowsBefore() == -1);
        assertSameSchema(source, target);
        assertSameRowsAndInsertable(source, target, APP_TABLES);
    }

    @Test
    void replaceOverChangedDatabaseMakesItExactlyTheBackup() throws Exception {
        DirectoryBackup backup = appBackup();
        DataSource expected = restoredCopy(backup, "expected");

        changeData(source);
        assertThat(DatabaseContents.rows(source, table("users"))).isNotEqualTo(DatabaseContents.rows(expected, table("users")));
        backup.restore(dumper, source, RestoreMode.REPLACE);

        assertSameSchema(expected, source);
        assertSameRowsAndInsertable(expected, source, APP_TABLES);
    }

    @Test
    void mergeRestoresChangedAndDeletedRowsAndKeepsNewOnes() throws Exception {
        DirectoryBackup backup = appBackup();
        List<String> backupUsers = DatabaseContents.rows(source, table("users"));

        changeData(source); // updates user 1..5, deletes payments, adds users
        List<TableChange> changes = backup.restore(dumper, source, RestoreMode.MERGE, TableSelection.ALL, Map.of(), 1);

        List<String> merged = DatabaseContents.rows(source, table("users"));
        assertThat(merged).containsAll(backupUsers);
        assertThat(merged).hasSize(backupUsers.size() + 3); // the three users added after the backup stay
        assertThat(changes).hasSize(APP_TABLES.size());
        DataSource reference = restoredCopy(backup, "reference");
        assertSameRowsAndInsertable(reference, source, List.of("payments", "orders", "products", "enrollments"));
    }

    @Test
    void dataOnlyLoadsIntoSchemaMadeByMigrations() throws Exception {
        DirectoryBackup backup = appBackup();

        DataSource migrated = createDatabase("migrated");
        createAppSchema(migrated); // "the application's migrations"
        fillAppData(migrated, 2);  // rows that must disappear

        backup.restore(dumper, migrated, RestoreMode.DATA_ONLY);
        assertSameRowsAndInsertable(source, migrated, APP_TABLES);
    }

    @Test
    void selectiveRestoreOfTwoTablesLeavesTheOthersAlone() throws Exception {
        DirectoryBackup backup = appBackup();
        changeData(source);
        List<String> changedOrders = DatabaseContents.rows(source, table("orders"));
        DataSource expected = restoredCopy(backup, "expected"); // the backup's rows, to compare with
        TableSelection two = TableSelection.include(stored("users"), stored("payments"));
        List<TableChange> changes = backup.restore(dumper, source, RestoreMode.REPLACE, two, Map.of(), 1);

        assertThat(changes).extracting(ch -> ch.table().toLowerCase(Locale.ROOT)).allMatch(t -> t.endsWith("users")
                || t.endsWith("payments")).hasSize(2);
        assertSameRows(expected, source, List.of("users", "payments"));
        assertThat(DatabaseContents.rows(source, table("orders"))).isEqualTo(changedOrders);
        assertFirstInsertSucceedsOnEveryTable(source);
    }

    @Test
    void restoreIntoDifferentlyNamedDatabase() throws Exception {
        DirectoryBackup backup = appBackup();
        DataSource staging = createDatabase("staging_copy");

        backup.restore(dumper, staging, RestoreMode.REPLACE, TableSelection.ALL, Map.of(), 2);

        assertSameSchema(source, staging);
        assertSameRows(source, staging, APP_TABLES);
    }

    @Test
    void selectiveBackupAndParallelDump() throws Exception {
        createAppSchema(source);
        fillAppData(source, 1);
        DirectoryBackup backup = new DirectoryBackup(tempDir.resolve("sel"));
        DumpSummary summary = backup.dump(dumper, source, TableSelection.include("*order*").andExclude("*items"), 3);
        assertThat(summary.tables()).extracting(t -> t.name().toLowerCase(Locale.ROOT)).containsExactly("orders");
        assertThat(summary.tables().get(0).rows()).isEqualTo(count(source, "orders"));
    }

    @Test
    void dumpIsOneSnapshotWhileTheApplicationKeepsWriting() throws Exception {
        createAppSchema(source);
        fillAppData(source, 1);
        long users = count(source, "users");
        long orders = count(source, "orders");
        DirectoryBackup backup = new DirectoryBackup(tempDir.resolve("snapshot"));
        AtomicBoolean wrote = new AtomicBoolean();
        backup.onObjectCreated(name -> {
            if (!name.equals("schema.json") && wrote.compareAndSet(false, true)) {
                // Another connection commits rows into several tables after the dump began and before it read them.
                Thread writer = new Thread(() -> {
                    try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
                        st.executeUpdate("INSERT INTO users (email, active, created_at) VALUES ('late@x', "
                                + trueLiteral() + ", CURRENT_TIMESTAMP)");
                        st.executeUpdate("INSERT INTO orders (user_id, created_at) VALUES (1, CURRENT_TIMESTAMP)");
                    } catch (SQLException e) {
                        // SQLite: the dump's read transaction holds the writer off; nothing to see either way
                    }
                });
                writer.start();
                try {
                    writer.join(20_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        DumpSummary summary = backup.dump(dumper, source, TableSelection.ALL, 2);
        assertThat(wrote).isTrue();
        Map<String, Long> rows = new LinkedHashMap<>();
        summary.tables().forEach(t -> rows.put(t.name().toLowerCase(Locale.ROOT), t.rows()));
        assertThat(rows.get("users")).isEqualTo(users);
        assertThat(rows.get("orders")).isEqualTo(orders);
    }

    // ============================================================ errors before anything changes (acceptance 6)

    @Test
    void unknownTableInIncludeListFailsBackupAndRestoreBeforeAnythingChanges() throws Exception {
        createAppSchema(source);
        fillAppData(source, 1);
        DirectoryBackup failed = new DirectoryBackup(tempDir.resolve("failed"));
        assertThatThrownBy(() -> failed.dump(dumper, source, TableSelection.include(stored("users"), "no_such_table"), 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no_such_table");
        assertThat(failed.objects()).isEmpty();

        DirectoryBackup backup = backup(source, TableSelection.ALL);
        changeData(source);
        assertRefusedLeaving(source, "users", () -> backup.restore(dumper, source, RestoreMode.REPLACE,
                TableSelection.include(stored("users"), "no_such_table"), Map.of(), 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no_such_table");
    }

    @Test
    void cancelledDumpStopsAndCancelledRestoreChangesNothing() throws Exception {
        createAppSchema(source);
        fillAppData(source, 1);
        DirectoryBackup cancelledDump = new DirectoryBackup(tempDir.resolve("cancelled"));
        cancelledDump.cancel();
        assertThatThrownBy(() -> cancelledDump.dump(dumper, source, TableSelection.ALL, 2))
                .isInstanceOf(CancelledException.class);
        assertThat(cancelledDump.objects().keySet()).noneMatch(k -> k.endsWith(".rows") || k.endsWith(".copy"));

        DirectoryBackup backup = backup(source, TableSelection.ALL);
        changeData(source);
        backup.cancel();
        assertRefusedLeaving(source, "users", () -> backup.restore(dumper, source, RestoreMode.REPLACE))
                .isInstanceOf(CancelledException.class);
    }

    /** {@code tags (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE)} holding the given rows. */
    private void createTags(DataSource ds, String rows) throws SQLException {
        execute(ds, "CREATE TABLE " + table("tags") + " (" + quote(stored("id")) + " INT PRIMARY KEY, "
                + quote(stored("name")) + " VARCHAR(50) NOT NULL UNIQUE)");
        execute(ds, "INSERT INTO " + table("tags") + " VALUES " + rows);
    }

    /** The source's tags (1, 'A'), (2, 'B'), backed up. */
    private DirectoryBackup tagsBackup() throws SQLException {
        createTags(source, "(1, 'A'), (2, 'B')");
        return backup(source, TableSelection.ALL);
    }

    /** A new database {@code name} whose tags hold {@code rows}. */
    private DataSource tagsDatabase(String name, String rows) throws Exception {
        DataSource db = createDatabase(name);
        createTags(db, rows);
        return db;
    }

    /** The target's tags are exactly the backup's plus the target row {@code kept} (added to the source to compare). */
    private void assertTagsAreTheBackupsAnd(DataSource target, String kept) throws SQLException {
        execute(source, "INSERT INTO " + table("tags") + " VALUES " + kept);
        assertThat(DatabaseContents.rows(target, table("tags"))).isEqualTo(DatabaseContents.rows(source, table("tags")));
    }

    /**
     * Issue 13: MERGE matches by primary key only. Backup (1,'A'), (2,'B'); target (9,'B'): backup row 2's name
     * belongs to target row 9. MariaDB's ON DUPLICATE KEY UPDATE used to overwrite row 9 with it; now the restore
     * is refused before anything changes, naming table, key and both rows.
     */
    @Test
    void mergeRefusesABackupRowWhoseUniqueKeyBelongsToAnotherTargetRow() throws Exception {
        DirectoryBackup backup = tagsBackup();
        DataSource target = tagsDatabase("collision", "(9, 'B')");

        assertRefusedLeaving(target, "tags", () -> backup.restore(dumper, target, RestoreMode.MERGE, TableSelection.ALL,
                Map.of(), 1))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining(stored("tags"))
                .hasMessageContaining("primary key only")
                .hasMessageContaining("backup row (" + stored("id") + "=2)")
                .hasMessageContaining("(" + stored("name") + "=B)")
                .hasMessageContaining("target row (" + stored("id") + "=9)")
                .hasMessageContaining("unique key")
                .hasMessageContaining("Nothing was changed");
        assertThatThrownBy(() -> backup.preview(dumper, target, RestoreMode.MERGE, TableSelection.ALL, Map.of()))
                .as("a dry run refuses it too").isInstanceOf(RestoreException.class).hasMessageContaining("target row");
    }

    /** The explicit policy: the backup wins, the colliding target row is deleted and the backup row merged. */
    @Test
    void mergeWithOverwriteTargetRowReplacesTheCollidingRow() throws Exception {
        DirectoryBackup backup = tagsBackup();
        DataSource target = tagsDatabase("overwrite", "(9, 'B'), (10, 'kept')");

        backup.merge(dumper, target, MergeConflictPolicy.OVERWRITE_TARGET_ROW);

        assertTagsAreTheBackupsAnd(target, "(10, 'kept')");
    }

    /** Without collisions, MERGE inserts and updates by primary key as before, also with another unique key. */
    @Test
    void mergeWithoutCollisionsUpdatesAndInsertsByPrimaryKey() throws Exception {
        DirectoryBackup backup = tagsBackup();
        DataSource target = tagsDatabase("no_collision", "(1, 'old A'), (3, 'C')");

        backup.restore(dumper, target, RestoreMode.MERGE, TableSelection.ALL, Map.of(), 1);

        assertTagsAreTheBackupsAnd(target, "(3, 'C')");
    }

    /** A NOT NULL unique key is no longer a merge key: without a primary key MERGE refuses the table up front. */
    @Test
    void mergeRefusesATableWithAUniqueKeyButNoPrimaryKey() throws Exception {
        execute(source, "CREATE TABLE " + table("codes") + " (" + quote(stored("code")) + " VARCHAR(10) NOT NULL UNIQUE, "
                + quote(stored("label")) + " VARCHAR(50))", "INSERT INTO " + table("codes") + " VALUES ('x', 'one')");
        DirectoryBackup backup = backup(source, TableSelection.ALL);
        execute(source, "UPDATE " + table("codes") + " SET " + quote(stored("label")) + " = 'changed'");

        assertMergeRefusesTableWithoutPrimaryKey(backup, "codes", "codes");
    }

    @Test
    void mergeOfTableWithoutKeyIsAClearErrorBeforeAnythingChanges() throws Exception {
        createAppSchema(source);
        fillAppData(source, 1);
        execute(source, "CREATE TABLE " + table("audit_log") + " (" + quote(stored("message")) + " VARCHAR(200), "
                + quote(stored("at")) + " " + timestampType() + ")");
        execute(source, "INSERT INTO " + table("audit_log") + " VALUES ('x', NULL)");
        DirectoryBackup backup = backup(source, TableSelection.ALL);
        changeData(source);

        assertMergeRefusesTableWithoutPrimaryKey(backup, "audit_log", "users");
    }

    @Test
    void dataOnlyIntoMissingTableIsAClearErrorAndPreviewCountsRows() throws Exception {
        DirectoryBackup backup = appBackup();
        DataSource empty = createDatabase("no_schema");
        assertThatThrownBy(() -> backup.restore(dumper, empty, RestoreMode.DATA_ONLY))
                .isInstanceOf(RestoreException.class).hasMessageContaining("does not exist in the target");

        changeData(source);
        List<TableChange> preview = backup.preview(dumper, source, RestoreMode.REPLACE, TableSelection.ALL, Map.of());
        Map<String, TableChange> byTable = new LinkedHashMap<>();
        preview.forEach(p -> byTable.put(p.table().toLowerCase(Locale.ROOT).replaceAll(".*\\.", ""), p));
        assertThat(byTable.get("users").rowsBefore()).isEqualTo(count(source, "users"));
        assertThat(byTable.get("users").rowsAfter()).isEqualTo(50);
        assertThat(byTable.get("payments").rowsBefore()).isEqualTo(count(source, "payments"));
        List<TableChange> emptyPreview = backup.preview(dumper, empty, RestoreMode.REPLACE, TableSelection.ALL, Map.of());
        assertThat(emptyPreview).allMatch(p -> p.rowsBefore() == -1);
    }

    @Test
    void failingRowIsNamedByTableAndKey() throws Exception {
        createAppSchema(source);
        fillAppData(source, 1);
        DirectoryBackup backup = backup(source, TableSelection.include(stored("users")));
        // The target's migrations added a unique index the backup's rows violate.
        DataSource target = createDatabase("dup_target");
        createAppSchema(target);
        execute(target, "CREATE UNIQUE INDEX ux_users_active ON " + table("users") + " (" + quote(stored("active")) + ")");
        assertThatThrownBy(() -> backup.restore(dumper, target, RestoreMode.DATA_ONLY))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining(stored("users"))
                .hasMessageMatching("(?s).*(row \\d+|rows \\d+ to \\d+).*");
    }

    // ============================================================ type matrix support

    /**
     * Runs the statements on a fresh source, backs it up, restores into a fresh database and asserts the same
     * schema model and, value by value, the same rows in every listed table (quoted names as stored).
     *
     * @return the restored database, for further checks
     */
    protected DataSource assertTypeMatrixRoundTrips(List<String> setup, List<String> tables) throws Exception {
        DataSource src = createDatabase("types_src");
        try (Connection c = src.getConnection(); Statement st = c.createStatement()) {
            for (String sql : setup) {
                st.execute(sql);
            }
        }
        DirectoryBackup backup = backup(src, TableSelection.ALL);
        DataSource dst = createDatabase("types_dst");
        backup.restore(dumper, dst, RestoreMode.REPLACE);
        assertSameSchema(src, dst);
        for (String t : tables) {
            List<String> e = DatabaseContents.rows(src, quote(t));
            List<String> a = DatabaseContents.rows(dst, quote(t));
            assertThat(e).as("source rows of %s", t).isNotEmpty();
            assertThat(a).as("rows of %s", t).hasSize(e.size());
            for (int i = 0; i < e.size(); i++) {
                String[] ev = e.get(i).split(" \\| ");
                String[] av = a.get(i).split(" \\| ");
                for (int k = 0; k < ev.length; k++) {
                    assertThat(av[k]).as("table %s row %d value %d", t, i, k).isEqualTo(ev[k]);
                }
            }
        }
        return dst;
    }

    /** Hex literal body of all 256 byte values. */
    protected static String allBytesHex() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            sb.append(String.format("%02x", i));
        }
        return sb.toString();
    }

    // ============================================================ the application schema

    /** Creates the 13-table application schema with plain DDL (what an application's migrations would run). */
    protected void createAppSchema(DataSource ds) throws SQLException {
        String id = idColumn();
        String ts = timestampType();
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE TABLE schools (" + id + ", name VARCHAR(100) NOT NULL, founded DATE, CONSTRAINT uq_school_name UNIQUE (name))");
        ddl.add("CREATE TABLE departments (" + id + ", school_id BIGINT NOT NULL, name VARCHAR(100) NOT NULL, manager_id BIGINT, "
                + "CONSTRAINT uq_dept UNIQUE (school_id, name), CONSTRAINT fk_dept_school FOREIGN KEY (school_id) REFERENCES schools (id)"
                + (canAlterAddForeignKey() ? "" : ", CONSTRAINT fk_dept_manager FOREIGN KEY (manager_id) REFERENCES employees (id)")
                + ")");
        ddl.add("CREATE TABLE employees (" + id + ", department_id BIGINT, manager_id BIGINT, email VARCHAR(200) NOT NULL, "
                + "salary DECIMAL(12,2), hired_at " + ts + ", CONSTRAINT uq_emp_email UNIQUE (email), "
                + "CONSTRAINT fk_emp_dept FOREIGN KEY (department_id) REFERENCES departments (id), "
                + "CONSTRAINT fk_emp_manager FOREIGN KEY (manager_id) REFERENCES employees (id))");
        if (canAlterAddForeignKey()) {
            ddl.add("ALTER TABLE departments ADD CONSTRAINT fk_dept_manager FOREIGN KEY (manager_id) REFERENCES employees (id)");
        }
        ddl.add("CREATE TABLE users (" + id + ", email VARCHAR(200) NOT NULL, display_name VARCHAR(100), active "
                + booleanType() + " NOT NULL, created_at " + ts + " NOT NULL, CONSTRAINT uq_user_email UNIQUE (email))");
        ddl.add("CREATE TABLE categories (" + id + ", parent_id BIGINT, name VARCHAR(100) NOT NULL, "
                + "CONSTRAINT fk_cat_parent FOREIGN KEY (parent_id) REFERENCES categories (id))");
        ddl.add("CREATE TABLE products (" + id + ", category_id BIGINT NOT NULL, sku VARCHAR(40) NOT NULL, price DECIMAL(12,2) NOT NULL, "
                + "description " + textType() + ", image " + blobType() + ", CONSTRAINT uq_sku UNIQUE (sku), "
                + "CONSTRAINT fk_prod_cat FOREIGN KEY (category_id) REFERENCES categories (id))");
        ddl.add("CREATE TABLE orders (" + id + ", user_id BIGINT NOT NULL, created_at " + ts + " NOT NULL, "
                + "status VARCHAR(20) DEFAULT 'new' NOT NULL, CONSTRAINT fk_order_user FOREIGN KEY (user_id) REFERENCES users (id))");
        ddl.add("CREATE INDEX ix_orders_user_created ON orders (user_id, created_at)");
        ddl.add("CREATE TABLE order_items (order_id BIGINT NOT NULL, line_no INT NOT NULL, product_id BIGINT NOT NULL, "
                + "quantity INT NOT NULL, unit_price DECIMAL(12,2) NOT NULL, PRIMARY KEY (order_id, line_no), "
                + "CONSTRAINT fk_item_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE, "
                + "CONSTRAINT fk_item_product FOREIGN KEY (product_id) REFERENCES products (id))");
        ddl.add("CREATE TABLE students (" + id + ", school_id BIGINT NOT NULL, student_number VARCHAR(20) NOT NULL, "
                + "full_name VARCHAR(200) NOT NULL, birth_date DATE, CONSTRAINT uq_student_number UNIQUE (student_number), "
                + "CONSTRAINT fk_student_school FOREIGN KEY (school_id) REFERENCES schools (id))");
        ddl.add("CREATE TABLE courses (" + id + ", school_id BIGINT NOT NULL, code VARCHAR(20) NOT NULL, title VARCHAR(200) NOT NULL, "
                + "CONSTRAINT uq_course UNIQUE (school_id, code), CONSTRAINT fk_course_school FOREIGN KEY (school_id) REFERENCES schools (id))");
        ddl.add("CREATE TABLE enrollments (student_id BIGINT NOT NULL, course_id BIGINT NOT NULL, enrolled_on DATE NOT NULL, "
                + "grade DECIMAL(4,1), PRIMARY KEY (student_id, course_id), "
                + "CONSTRAINT fk_enr_student FOREIGN KEY (student_id) REFERENCES students (id), "
                + "CONSTRAINT fk_enr_course FOREIGN KEY (course_id) REFERENCES courses (id))");
        ddl.add("CREATE INDEX ix_enr_course ON enrollments (course_id)");
        ddl.add("CREATE TABLE invoices (" + id + ", order_id BIGINT NOT NULL, number BIGINT NOT NULL, total DECIMAL(14,2) NOT NULL, "
                + "issued_at " + ts + ", CONSTRAINT uq_invoice_order UNIQUE (order_id), CONSTRAINT uq_invoice_number UNIQUE (number), "
                + "CONSTRAINT fk_invoice_order FOREIGN KEY (order_id) REFERENCES orders (id))");
        ddl.add("CREATE TABLE payments (" + id + ", invoice_id BIGINT NOT NULL, amount DECIMAL(14,2) NOT NULL, paid_at " + ts
                + " NOT NULL, reference VARCHAR(100), CONSTRAINT fk_pay_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id))");
        ddl.add("CREATE INDEX ix_pay_paid ON payments (paid_at DESC)");
        sequenceDdl().ifPresent(ddl::add);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String sql : ddl) {
                st.execute(sql);
            }
        }
    }

    /** Fills the application schema with deterministic data (ids generated by the engine, 1..n). */
    protected void fillAppData(DataSource ds, int seed) throws SQLException {
        Random r = new Random(seed);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            LocalDateTime base = LocalDateTime.of(2024, 3, 31, 1, 30, 15, 123_456_000);
            insert(c, "INSERT INTO schools (name, founded) VALUES (?, ?)", 3, i -> new Object[]{"School " + seed + "-" + i,
                    Date.valueOf(LocalDate.of(1900 + i * 20, 1 + i, 1))});
            insert(c, "INSERT INTO departments (school_id, name) VALUES (?, ?)", 6, i -> new Object[]{1 + i % 3, "Dept " + i});
            insert(c, "INSERT INTO employees (department_id, manager_id, email, salary, hired_at) VALUES (?, ?, ?, ?, ?)", 30,
                    i -> new Object[]{1 + i % 6, i < 6 ? null : 1 + i % 6, "emp" + seed + "-" + i + "@example.com",
                            new BigDecimal(r.nextInt(9_000_000) + "." + (10 + r.nextInt(89))), Timestamp.valueOf(base.plusDays(i))});
            try (PreparedStatement ps = c.prepareStatement("UPDATE departments SET manager_id = ? WHERE id = ?")) {
                for (int d = 1; d <= 6; d++) {
                    ps.setLong(1, d);
                    ps.setLong(2, d);
                    ps.executeUpdate();
                }
            }
            insert(c, "INSERT INTO users (email, display_name, active, created_at) VALUES (?, ?, ?, ?)", 50,
                    i -> new Object[]{"user" + seed + "-" + i + "@example.com", i % 7 == 0 ? null : (i % 5 == 0 ? "" : "Ünïcødé 😀 " + i),
                            i % 3 != 0, Timestamp.valueOf(base.plusHours(i * 7L))});
            insert(c, "INSERT INTO categories (parent_id, name) VALUES (?, ?)", 10, i -> new Object[]{i < 3 ? null : 1 + i % 3, "Cat " + i});
            insert(c, "INSERT INTO products (category_id, sku, price, description, image) VALUES (?, ?, ?, ?, ?)", 40, i -> {
                byte[] image = null;
                if (i % 4 != 0) {
                    image = new byte[r.nextInt(3000)];
                    r.nextBytes(image);
                }
                return new Object[]{1 + i % 10, "SKU-" + seed + "-" + i, new BigDecimal((i * 3 + 1) + ".99"),
                        i % 6 == 0 ? null : "Description with 'quotes', \"double\", tab\t and newline\n " + i, image};
            });
            insert(c, "INSERT INTO orders (user_id, created_at, status) VALUES (?, ?, ?)", 100,
                    i -> new Object[]{1 + i % 50, Timestamp.valueOf(base.plusMinutes(i * 97L)), i % 4 == 0 ? "paid" : "new"});
            List<Object[]> items = new ArrayList<>();
            for (int o = 1; o <= 100; o++) {
                for (int line = 1; line <= 1 + o % 4; line++) {
                    items.add(new Object[]{o, line, 1 + (o * line) % 40, 1 + line, new BigDecimal(line + ".50")});
                }
            }
            insert(c, "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES (?, ?, ?, ?, ?)",
                    items.size(), items::get);
            insert(c, "INSERT INTO students (school_id, student_number, full_name, birth_date) VALUES (?, ?, ?, ?)", 60,
                    i -> new Object[]{1 + i % 3, "S" + seed + "-" + i, "Student " + i, i % 9 == 0 ? null
                            : Date.valueOf(LocalDate.of(2000, 1, 1).plusDays(i * 37L))});
            insert(c, "INSERT INTO courses (school_id, code, title) VALUES (?, ?, ?)", 12,
                    i -> new Object[]{1 + i % 3, "C" + i, "Course " + i});
            List<Object[]> enr = new ArrayList<>();
            for (int s = 1; s <= 60; s++) {
                for (int k = 0; k < 1 + s % 3; k++) {
                    enr.add(new Object[]{s, 1 + (s + k * 5) % 12, Date.valueOf(LocalDate.of(2023, 9, 1).plusDays(k)),
                            s % 5 == 0 ? null : new BigDecimal((s % 10) + "." + k)});
                }
            }
            insert(c, "INSERT INTO enrollments (student_id, course_id, enrolled_on, grade) VALUES (?, ?, ?, ?)", enr.size(), enr::get);
            insert(c, "INSERT INTO invoices (order_id, number, total, issued_at) VALUES (?, ?, ?, ?)", 80,
                    i -> new Object[]{1 + i, 100_000 + i, new BigDecimal((i * 17) + ".25"), i % 10 == 0 ? null : Timestamp.valueOf(base.plusDays(i))});
            insert(c, "INSERT INTO payments (invoice_id, amount, paid_at, reference) VALUES (?, ?, ?, ?)", 90,
                    i -> new Object[]{1 + i % 80, new BigDecimal((i * 7) + ".10"), Timestamp.valueOf(base.plusDays(i).plusHours(3)),
                            i % 2 == 0 ? null : "REF-" + i});
            c.commit();
            c.setAutoCommit(true);
        }
        if (sequenceDdl().isPresent()) {
            for (int i = 0; i < 5 + seed; i++) {
                nextSequenceValue(ds);
            }
        }
    }

    /** Changes made "after the backup": updates, deletes and inserts in several tables. */
    protected void changeData(DataSource ds) throws SQLException {
        execute(ds, "UPDATE users SET display_name = 'changed', active = " + trueLiteral() + " WHERE id <= 5");
        execute(ds, "DELETE FROM payments WHERE id > 60");
        execute(ds, "UPDATE orders SET status = 'cancelled' WHERE id % 10 = 0");
        execute(ds, "UPDATE products SET price = price + 1, image = NULL WHERE id <= 3");
        execute(ds, "DELETE FROM enrollments WHERE student_id > 50");
        try (Connection c = ds.getConnection()) {
            insert(c, "INSERT INTO users (email, display_name, active, created_at) VALUES (?, ?, ?, ?)", 3,
                    i -> new Object[]{"new" + i + "@example.com", "new", true, Timestamp.valueOf(LocalDateTime.of(2025, 1, 1, 0, 0))});
        }
    }

    protected String trueLiteral() {
        return "TRUE";
    }

    /** After a restore, a plain insert relying on generated keys must succeed in every table. */
    protected void assertFirstInsertSucceedsOnEveryTable(DataSource ds) throws SQLException {
        Timestamp now = Timestamp.valueOf(LocalDateTime.of(2026, 1, 1, 12, 0));
        try (Connection c = ds.getConnection()) {
            long school = insertReturningCount(c, "INSERT INTO schools (name) VALUES ('after restore')");
            assertThat(school).isEqualTo(1);
            run(c, "INSERT INTO departments (school_id, name) VALUES (1, 'after restore')");
            run(c, "INSERT INTO employees (email, hired_at) VALUES ('after@restore', ?)", now);
            run(c, "INSERT INTO users (email, active, created_at) VALUES ('after@restore', " + trueLiteral() + ", ?)", now);
            run(c, "INSERT INTO categories (name) VALUES ('after restore')");
            run(c, "INSERT INTO products (category_id, sku, price) VALUES (1, 'after-restore', 1.00)");
            run(c, "INSERT INTO orders (user_id, created_at) VALUES (1, ?)", now);
            run(c, "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES (1, 99, 1, 1, 1.00)");
            run(c, "INSERT INTO students (school_id, student_number, full_name) VALUES (1, 'after-restore', 'x')");
            run(c, "INSERT INTO courses (school_id, code, title) VALUES (1, 'after-restore', 'x')");
            run(c, "INSERT INTO enrollments (student_id, course_id, enrolled_on) VALUES (1, 12, ?)", Date.valueOf("2026-01-01"));
            run(c, "INSERT INTO invoices (order_id, number, total) VALUES (99, 999999, 1.00)");
            run(c, "INSERT INTO payments (invoice_id, amount, paid_at) VALUES (1, 1.00, ?)", now);
        }
        if (sequenceDdl().isPresent()) {
            long next = nextSequenceValue(ds);
            assertThat(next).as("sequence continues after the restored value").isGreaterThan(5);
        }
    }

    private long nextSequenceValue(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(nextValueSql())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long insertReturningCount(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    private static void run(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new SQLException("first insert after restore failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Every row of the tables equal, and then a plain insert into every table of {@code actual} succeeds. */
    private void assertSameRowsAndInsertable(DataSource expected, DataSource actual, List<String> tables)
            throws SQLException {
        assertSameRows(expected, actual, tables);
        assertFirstInsertSucceedsOnEveryTable(actual);
    }

    /** The application schema with the rows of seed 1 in the source, backed up whole. */
    private DirectoryBackup appBackup() throws SQLException {
        createAppSchema(source);
        fillAppData(source, 1);
        return backup(source, TableSelection.ALL);
    }

    /** A new database named {@code name} with the whole backup restored into it (REPLACE). */
    private DataSource restoredCopy(DirectoryBackup backup, String name) throws Exception {
        DataSource copy = createDatabase(name);
        backup.restore(dumper, copy, RestoreMode.REPLACE);
        return copy;
    }

    /**
     * Runs {@code restore}, which must fail, and checks that the rows of {@code watched} in {@code db} are as they
     * were before it; the failure, for the caller's checks of its type and message.
     */
    private AbstractThrowableAssert<?, ? extends Throwable> assertRefusedLeaving(DataSource db, String watched,
                                                                                 ThrowingCallable restore) throws SQLException {
        List<String> before = DatabaseContents.rows(db, table(watched));
        AbstractThrowableAssert<?, ? extends Throwable> failure = assertThatThrownBy(restore);
        assertThat(DatabaseContents.rows(db, table(watched))).as("rows of %s after the refused restore", watched)
                .isEqualTo(before);
        return failure;
    }

    /** A MERGE of the whole backup is refused for {@code keyless} (no primary key) before anything changes. */
    private void assertMergeRefusesTableWithoutPrimaryKey(DirectoryBackup backup, String keyless, String watched)
            throws SQLException {
        assertRefusedLeaving(source, watched, () -> backup.restore(dumper, source, RestoreMode.MERGE, TableSelection.ALL,
                Map.of(), 1))
                .isInstanceOf(RestoreException.class).hasMessageContaining(stored(keyless))
                .hasMessageContaining("no primary key").hasMessageContaining("Nothing was changed");
    }

    // ============================================================ helpers for engine tests

    protected DirectoryBackup backup(DataSource ds, TableSelection selection) {
        DirectoryBackup backup = new DirectoryBackup(tempDir.resolve("backup-" + System.nanoTime()));
        backup.dump(dumper, ds, selection, 2);
        return backup;
    }

    protected interface RowSource {
        Object[] row(int i);
    }

    protected static void insert(Connection c, String sql, int rows, RowSource source) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < rows; i++) {
                Object[] values = source.row(i);
                for (int k = 0; k < values.length; k++) {
                    if (values[k] == null) {
                        ps.setNull(k + 1, Types.NULL);
                    } else {
                        ps.setObject(k + 1, values[k]);
                    }
                }
                ps.executeUpdate();
            }
        }
    }

    public static void execute(DataSource ds, String... sqls) throws SQLException {
        TestSql.execute(ds, List.of(sqls));
    }

    protected long count(DataSource ds, String unquoted) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table(unquoted))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of the tables equal (as canonical sorted rows), reporting the first difference. */
    protected void assertSameRows(DataSource expected, DataSource actual, List<String> tables) throws SQLException {
        for (String t : tables) {
            List<String> e = DatabaseContents.rows(expected, table(t));
            List<String> a = DatabaseContents.rows(actual, table(t));
            assertThat(a).as("rows of table %s", t).hasSize(e.size());
            for (int i = 0; i < e.size(); i++) {
                assertThat(a.get(i)).as("row %d of table %s", i, t).isEqualTo(e.get(i));
            }
        }
    }

    /** The schema model read from both databases is the same (schema names and engine versions aside). */
    protected void assertSameSchema(DataSource expected, DataSource actual) throws SQLException {
        Map<String, String> e = schemaModel(expected);
        Map<String, String> a = schemaModel(actual);
        assertThat(a.keySet()).as("tables, sequences and views").containsExactlyInAnyOrderElementsOf(e.keySet());
        for (String k : e.keySet()) {
            assertThat(a.get(k)).as(k).isEqualTo(e.get(k));
        }
    }
}
