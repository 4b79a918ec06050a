package io.backupkit.jdbc.sqlite;

import io.backupkit.jdbc.JdbcDumperRoundTripContract;
import io.backupkit.testkit.db.DirectoryBackup;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import io.backupkit.api.TableSelection;

/** The round-trip suite and the type matrix on SQLite database files, foreign keys enforced. */
public class SqliteDumperTest extends JdbcDumperRoundTripContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    protected AbstractJdbcDumper newDumper() {
        return new SqliteDumper();
    }

    @Override
    protected DataSource createDatabase(String name) {
        return sqlite(tempDir.resolve(name + "-" + COUNTER.incrementAndGet() + ".db").toString());
    }

    public static DataSource sqlite(String file) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.OFF); // test speed; durability is not under test
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    @Override
    protected String idColumn() {
        return "id INTEGER PRIMARY KEY AUTOINCREMENT";
    }

    @Override
    protected boolean canAlterAddForeignKey() {
        return false;
    }

    @Test
    void everyStorageClassRoundTripsExactly() throws Exception {
        String bytes = allBytesHex();
        DataSource restored = assertTypeMatrixRoundTrips(List.of(
                "CREATE TABLE \"Order\" (\"select\" INTEGER PRIMARY KEY, \"MixedCase\" TEXT, i INTEGER, r REAL, "
                        + "t TEXT, b BLOB, n NUMERIC(30,10), d DATE, ts TIMESTAMP, anything, "
                        + "\"from\" INTEGER REFERENCES \"Order\" (\"select\"))",
                "CREATE INDEX \"Order by Mixed\" ON \"Order\" (\"MixedCase\" DESC, i)",
                "CREATE VIEW \"group\" AS SELECT \"select\", \"MixedCase\" FROM \"Order\" WHERE i > 0",
                "CREATE TRIGGER order_audit AFTER INSERT ON \"Order\" BEGIN SELECT 1; END",
                "INSERT INTO \"Order\" VALUES (1, 'Zażółć 😀 𝄞', -9223372036854775808, 1e308, '', x'', "
                        + "'123456789012345678901234567890.1234567890', '2024-02-29', 1711848615123, 1, NULL)",
                "INSERT INTO \"Order\" VALUES (2, '', 9223372036854775807, 9e999, 'NULL', x'" + bytes + "', 0.1, "
                        + "'4713-01-01 BC', '2024-03-31 01:30:00.123456+02:00', 1.5, 1)",
                "INSERT INTO \"Order\" VALUES (3, NULL, 0, -9e999, 'tab\tnl\n''q''\"dq\"', x'00', -0.0, NULL, NULL, "
                        + "'text', 2)",
                "INSERT INTO \"Order\" VALUES (4, 'x', NULL, -0.0, NULL, NULL, NULL, 20240229, '2038-01-19T03:14:08Z', "
                        + "x'ff00', 3)",
                "INSERT INTO \"Order\" VALUES (5, 'y', 42, 4.9e-324, 'not a number', 'text in a blob column', '12abc', "
                        + "2.5, -1, NULL, NULL)"), List.of("Order"));
        try (Connection c = restored.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT typeof(anything), typeof(b), typeof(r) FROM \"Order\" ORDER BY 1, 2, 3")) {
            StringBuilder types = new StringBuilder();
            while (rs.next()) {
                types.append(rs.getString(1)).append('/').append(rs.getString(2)).append('/').append(rs.getString(3)).append(' ');
            }
            assertThat(types.toString()).isEqualTo("blob/null/real integer/blob/real null/text/real real/blob/real text/blob/real ");
        }
    }

    @Test
    void aVirtualTableIsReportedAsNotCapturedNamingIt() throws Exception {
        execute(source, "CREATE TABLE t (a INTEGER PRIMARY KEY)", "CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN SELECT 1; END",
                "CREATE VIRTUAL TABLE docs USING rtree(id, minx, maxx)");
        DirectoryBackup backup = backup(source, TableSelection.ALL);
        assertThat(backup.summary().notCaptured()).containsExactly(
                "virtual table docs: the rows of a virtual table are not captured");
        assertThat(backup.summary().warnings()).noneMatch(w -> w.contains("t_audit"));
    }
}
