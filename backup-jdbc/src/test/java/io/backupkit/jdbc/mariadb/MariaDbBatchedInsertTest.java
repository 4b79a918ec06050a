package io.backupkit.jdbc.mariadb;

import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The whole MariaDB suite again with {@code allowLocalInfile=false}: restores load with batched inserts instead of
 * {@code LOAD DATA LOCAL INFILE}, and must give exactly the same results.
 */
class MariaDbBatchedInsertTest extends MariaDbDumperTest {

    @Override
    protected DataSource createDatabase(String name) {
        TestDatabase db = DatabaseServers.mariadb().createDatabase();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "allowLocalInfile=false";
        return new TestDatabase(db.engine(), db.name(), url, db.user(), db.password()).dataSource();
    }

    @Override
    protected boolean expectLoadData() {
        return false;
    }

    static long loadStatements(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_load'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
