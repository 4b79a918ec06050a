package io.backupkit.jdbc;

import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Standard SQL and {@link java.sql.DatabaseMetaData} only, for products no specific dumper handles. Identifiers are
 * quoted with the driver's {@code getIdentifierQuoteString}; MERGE uses the SQL:2003 {@code MERGE} statement;
 * identity counters are restarted with {@code ALTER TABLE ... ALTER COLUMN ... RESTART WITH}. Foreign-key checks
 * cannot be switched off portably.
 */
final class GenericDialect extends Dialect {
    private final String quote;

    public GenericDialect() {
        this("\"");
    }

    public GenericDialect(String quote) {
        this.quote = quote == null || quote.isBlank() ? "\"" : quote.trim();
    }

    /** A dialect quoting like the connection's driver says. */
    public static GenericDialect of(Connection c) throws SQLException {
        return new GenericDialect(c.getMetaData().getIdentifierQuoteString());
    }

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public String quote(String identifier) {
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    @Override
    public void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        var meta = c.getMetaData();
        if (meta.supportsTransactionIsolationLevel(Connection.TRANSACTION_SERIALIZABLE)) {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        } else if (meta.supportsTransactionIsolationLevel(Connection.TRANSACTION_REPEATABLE_READ)) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        c.setReadOnly(true);
    }

    @Override
    public List<String> dropTable(Table t) {
        return List.of("DROP TABLE " + qualify(t));
    }

    @Override
    public String upsert(Table t, List<Column> cols, Key key) {
        String names = columns(cols.stream().map(Column::name).toList());
        String on = key.columns().stream().map(k -> "t." + quote(k) + " = s." + quote(k)).collect(Collectors.joining(" AND "));
        List<String> updates = cols.stream().filter(c -> !key.columns().contains(c.name()))
                .map(c -> quote(c.name()) + " = s." + quote(c.name())).toList();
        // Typed parameters: inside VALUES a bare ? has no column to take its type from.
        return "MERGE INTO " + qualify(t) + " t USING (VALUES (" + cols.stream().map(c -> "CAST(? AS " + c.nativeType() + ")")
                .collect(Collectors.joining(", ")) + ")) s (" + names + ") ON " + on
                + (updates.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET " + String.join(", ", updates))
                + " WHEN NOT MATCHED THEN INSERT (" + names + ") VALUES ("
                + cols.stream().map(c -> "s." + quote(c.name())).collect(Collectors.joining(", ")) + ")";
    }

    @Override
    public boolean parallelLoad() {
        return false;
    }
}
