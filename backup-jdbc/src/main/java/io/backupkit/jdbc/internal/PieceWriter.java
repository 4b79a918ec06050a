package io.backupkit.jdbc.internal;

import io.backupkit.jdbc.internal.SchemaModel.Column;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes one row whose values over {@link LargeValues#PIECE_BYTES} reach the server piece by piece, for engines that
 * cannot take such a value whole without the driver holding it (MariaDB/MySQL: {@code MariaDbPieceWriter}). Used
 * by {@link AbstractJdbcDumper#loadTable}: each large value of the row is {@link #stage staged} as it is read from
 * the backup, then the row is {@link #writeRow written} with the staged values in place.
 */
public interface PieceWriter {
    /** Sends the value of column {@code index} of the current row to the server, consuming its stream. */
    void stage(int index, Column column, RowReader.LargeBytes value) throws SQLException, IOException;

    /** Whether the current row has staged values (then {@link #writeRow} writes it). */
    boolean hasStaged();

    /**
     * Writes the current row with {@code sql} (the load's INSERT or upsert, one parameter per column in
     * {@code columns} order), the staged columns taking their staged values and the others bound from {@code values};
     * then forgets the staged values.
     */
    void writeRow(String sql, List<Column> columns, Object[] values) throws SQLException;
}
