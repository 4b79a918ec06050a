package io.backupkit.jdbc;

import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import io.backupkit.jdbc.internal.Dialect;
import io.backupkit.jdbc.internal.SchemaJson;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.testkit.db.DatabaseDumperRoundTripContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The test kit's dumper round-trip contract for this module's dumpers: identifiers are quoted, and the schema is
 * read, by the dumper's own {@link Dialect}, so the schemas compared hold everything the dumper models (columns,
 * keys, indexes, foreign keys, sequences, views).
 */
public abstract class JdbcDumperRoundTripContract extends DatabaseDumperRoundTripContract {

    @Override
    protected abstract AbstractJdbcDumper newDumper();

    /** The dialect of the dumper under test. */
    protected Dialect dialect() {
        return ((AbstractJdbcDumper) dumper).dialect();
    }

    @Override
    protected String quote(String identifier) {
        return dialect().quote(identifier);
    }

    /** The schema model as JSON, per table, without the names of the schema it lives in. */
    @Override
    protected Map<String, String> schemaModel(DataSource ds) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection()) {
            SchemaModel m = dialect().readSchema(c, st -> true, new ArrayList<>());
            for (SchemaModel.Table t : m.tables()) {
                out.put("table " + t.name(), SchemaJson.toJson(new SchemaModel(1, "", "", "", List.of(t.inSchema("", s -> "")),
                        List.of(), List.of(), List.of())));
            }
            for (SchemaModel.Sequence s : m.sequences()) {
                out.put("sequence " + s.name(), new SchemaModel.Sequence("", s.name(), s.dataType(), s.start(), s.increment(),
                        s.minValue(), s.maxValue(), s.cycle(), s.lastValue(), s.ownedBy()).toString());
            }
            for (SchemaModel.View v : m.views()) {
                out.put("view " + v.name(), v.definition());
            }
        }
        return out;
    }
}
