package io.backupkit.jdbc;

import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The round-trip suite on SQLite database files, foreign keys enforced. */
class SqliteDumperTest extends DumperRoundTripSuite {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    protected AbstractJdbcDumper newDumper() {
        return new SqliteDumper();
    }

    @Override
    protected DataSource createDatabase(String name) {
        return sqlite(tempDir.resolve(name + "-" + COUNTER.incrementAndGet() + ".db").toString());
    }

    static DataSource sqlite(String file) {
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
}
