package io.backupkit.jdbc.internal;

import io.backupkit.api.RestoreException;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.TablePlan;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Streams some columns of a table's backup rows ({@link RowReader} format) into a session-private table on the
 * target, in batches of 1000, so that pre-checks can compare the backup with the target in SQL with bounded memory.
 * Other columns' binary values are skipped in the file, never held.
 */
final class BackupKeys {
    private static final int BATCH = 1000;

    private BackupKeys() {
    }

    /**
     * Inserts {@code columns} of every backup row of {@code tp} into {@code keyTable} (which exists, with those columns).
     *
     * @param purpose why the columns are needed, for the error when the backup lacks one (e.g. "that a foreign key of
     *                another table references")
     */
    static void load(Dialect dialect, RestoreContext ctx, Connection c, TablePlan tp, String keyTable, List<String> columns,
                     String purpose) throws SQLException {
        String insert = "INSERT INTO " + dialect.quote(keyTable) + " (" + dialect.columns(columns) + ") VALUES ("
                + columns.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (String path : tp.entry().objects()) {
                try (InputStream in = ctx.openObject(path)) {
                    RowReader reader = new RowReader(in);
                    List<Integer> idx = new ArrayList<>();
                    List<Column> cols = new ArrayList<>();
                    for (String col : columns) {
                        int i = reader.columnNames().indexOf(col);
                        if (i < 0) {
                            throw new RestoreException("the backup of table " + tp.backup().qualifiedName()
                                    + " has no column " + col + " " + purpose);
                        }
                        idx.add(i);
                        cols.add(tp.backup().column(col).orElseThrow());
                    }
                    int batch = 0;
                    while (reader.startRow()) {
                        Object[] values = new Object[reader.columnNames().size()];
                        for (int i = 0; i < values.length; i++) {
                            // other columns, text too, are skipped unread: a 100 MB value must not be held
                            values[i] = reader.readValue(i, idx.contains(i) ? Long.MAX_VALUE : 0, true);
                        }
                        for (int i = 0; i < idx.size(); i++) {
                            dialect.bindValue(ps, i + 1, cols.get(i), values[idx.get(i)]);
                        }
                        ps.addBatch();
                        if (++batch == BATCH) {
                            ps.executeBatch();
                            batch = 0;
                            ctx.checkCancelled();
                        }
                    }
                    if (batch > 0) {
                        ps.executeBatch();
                    }
                } catch (IOException e) {
                    throw new RestoreException("reading the backup of table " + tp.backup().qualifiedName()
                            + " failed: " + e.getMessage() + ". Nothing was changed.", e);
                }
            }
        }
    }
}
