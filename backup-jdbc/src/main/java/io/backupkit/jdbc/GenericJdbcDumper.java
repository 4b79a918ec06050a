package io.backupkit.jdbc;

import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import io.backupkit.jdbc.internal.SchemaModel;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.sql.Statement;
import java.util.Locale;

/**
 * The fallback for database products no specific dumper handles: standard JDBC metadata and SQL only, so it
 * captures tables, columns, keys, foreign keys and indexes but not views, sequences, checks, triggers, routines or
 * engine options, and it restores into the same product only. Every limit is written into the backup's warnings
 * (and so into the manifest): a user sees what the backup does not hold. Its factory has a negative priority, so
 * any specific dumper wins.
 */
public final class GenericJdbcDumper extends AbstractJdbcDumper {
    /** The name recorded in manifests. */
    public static final String NAME = "jdbc";

    /** The limits every generic backup states. */
    static final List<String> LIMITS = List.of(
            "generic JDBC dumper: views, sequences, check constraints, triggers, routines, user types and engine-specific "
                    + "table options are not captured",
            "generic JDBC dumper: snapshot consistency is only as strong as the driver's SERIALIZABLE/REPEATABLE READ "
                    + "isolation on one connection",
            "generic JDBC dumper: foreign-key checks cannot be switched off, so DATA_ONLY restores of tables in a "
                    + "foreign-key cycle fail; MERGE needs the SQL:2003 MERGE statement");

    public GenericJdbcDumper() {
        this(JdbcDumperOptions.DEFAULTS);
    }

    public GenericJdbcDumper(JdbcDumperOptions options) {
        super(NAME, new GenericDialect(), options);
    }

    @Override
    protected List<String> extraWarnings(Connection c, SchemaModel model) throws SQLException {
        List<String> out = new ArrayList<>(LIMITS);
        DatabaseMetaData meta = c.getMetaData();
        List<String> schemas = model.tables().stream().map(SchemaModel.Table::schema).distinct().toList();
        for (String schema : schemas) {
            try (ResultSet rs = meta.getTables(null, schema.isEmpty() ? null : schema, "%", new String[]{"VIEW", "SEQUENCE"})) {
                while (rs.next()) {
                    String type = rs.getString("TABLE_TYPE").toLowerCase(Locale.ROOT);
                    out.add(type + " " + (schema.isEmpty() ? "" : schema + ".") + rs.getString("TABLE_NAME") + " not captured");
                }
            }
        }
        // Sequences: the SQL-standard information schema where the product has one.
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT SEQUENCE_SCHEMA, SEQUENCE_NAME FROM INFORMATION_SCHEMA.SEQUENCES")) {
            while (rs.next()) {
                if (schemas.contains(rs.getString(1))) {
                    out.add("sequence " + rs.getString(1) + "." + rs.getString(2) + " not captured");
                }
            }
        } catch (SQLException e) {
            out.add("generic JDBC dumper: could not list sequences (" + e.getMessage() + "); any there are not captured");
        }
        return out;
    }

    /** Registered in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory}; supports any product. */
    public static final class Factory extends DumperFactory {
        public Factory() {
            super(NAME, product -> true, -100, GenericJdbcDumper::new);
        }
    }
}
