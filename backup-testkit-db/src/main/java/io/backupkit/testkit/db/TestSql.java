package io.backupkit.testkit.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/** Runs SQL statements for database test fixtures. */
public final class TestSql {
    private TestSql() {
    }

    /** Runs the statements in order on one connection (auto-commit), stopping at the first that fails. */
    public static void execute(DataSource db, List<String> statements) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }
}
