package io.backupkit.jdbc.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.api.Trigger;

/** H2 triggers are Java classes, named by the database: the ones the H2 fidelity fixture uses. */
public final class H2Triggers {
    private H2Triggers() {
    }

    /** Writes a line to {@code audit} for each new order. */
    public static final class Audit implements Trigger {
        @Override
        public void fire(Connection c, Object[] oldRow, Object[] newRow) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (what) VALUES (?)")) {
                ps.setString(1, "order " + newRow[0]);
                ps.executeUpdate();
            }
        }
    }

    /** Refuses every row: a DATA_ONLY load that fired it would fail. */
    public static final class Refuse implements Trigger {
        @Override
        public void fire(Connection c, Object[] oldRow, Object[] newRow) throws SQLException {
            throw new SQLException("the trigger fired");
        }
    }
}
