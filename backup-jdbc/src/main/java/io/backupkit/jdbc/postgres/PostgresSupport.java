package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.ValueType;
import io.backupkit.api.RestoreException;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.RestorePlan;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.TablePlan;
import io.backupkit.jdbc.internal.SchemaModel.Check;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Index;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Sequence;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import io.backupkit.jdbc.internal.SchemaModel.UserType;
import io.backupkit.jdbc.internal.SchemaModel.View;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import io.backupkit.api.RestoreMode;
import org.slf4j.LoggerFactory;

/** The PostgreSQL-specific steps of {@code PostgresDumper}: snapshots, COPY both ways, types, remapping, sequences. */
final class PostgresSupport {
    /** Manifest data format: one COPY stream per table, binary (PGCOPY header) or text. */
    public static final String DATA_FORMAT = "pgcopy-1";
    /** The signature every binary COPY stream starts with. */
    static final byte[] BINARY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final Pattern COPY_LINE = Pattern.compile("\\bline (\\d+)");
    private static final AtomicInteger STAGE = new AtomicInteger();

    private final PostgresDialect dialect;
    private final boolean binaryCopy;

    public PostgresSupport(PostgresDialect dialect, boolean binaryCopy) {
        this.dialect = dialect;
        this.binaryCopy = binaryCopy;
    }

    // ------------------------------------------------------------------ dump

    /**
     * The main connection in a REPEATABLE READ, READ ONLY transaction whose snapshot is exported, and
     * {@code parallelism - 1} workers that import it: all see the database at the same instant.
     */
    public List<Connection> openSnapshot(DataSource ds, int parallelism) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        try {
            Connection main = JdbcSupport.connect(ds, "source");
            connections.add(main);
            dialect.beginSnapshot(main);
            String snapshot;
            try (Statement st = main.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                snapshot = rs.getString(1);
            }
            for (int i = 1; i < Math.min(parallelism, 32); i++) {
                Connection worker = JdbcSupport.connect(ds, "source");
                connections.add(worker);
                worker.setAutoCommit(false);
                try (Statement st = worker.createStatement()) {
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    st.execute("SET TRANSACTION SNAPSHOT " + dialect.literal(snapshot));
                    for (String s : PostgresDialect.SESSION_SETTINGS) {
                        st.execute(s);
                    }
                }
            }
            return connections;
        } catch (SQLException | RuntimeException e) {
            for (Connection c : connections) {
                JdbcSupport.closeAfterFailure(c, e);
            }
            throw e;
        }
    }

    /**
     * Takes ACCESS SHARE locks on the dumped tables for the rest of the snapshot transaction, as pg_dump does, so
     * nobody can drop or rewrite a table (ALTER TABLE, TRUNCATE) before its rows are read; writes go on.
     */
    public void lockTables(Connection c, List<Table> tables) throws SQLException {
        for (int from = 0; from < tables.size(); from += 100) {
            List<Table> batch = tables.subList(from, Math.min(tables.size(), from + 100));
            JdbcSupport.execute(c, "LOCK TABLE " + batch.stream().map(dialect::qualify)
                    .collect(Collectors.joining(", ")) + " IN ACCESS SHARE MODE");
        }
    }

    /** The tables by total size on disk, largest first. */
    public List<Table> largestFirst(Connection c, List<Table> tables) throws SQLException {
        Map<Table, Long> sizes = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
            for (Table t : tables) {
                ps.setString(1, dialect.qualify(t));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    sizes.put(t, rs.getLong(1));
                }
            }
        }
        List<Table> out = new ArrayList<>(tables);
        out.sort((a, b) -> Long.compare(sizes.get(b), sizes.get(a)));
        return out;
    }

    /** Whether the table is dumped in COPY's binary format. */
    boolean binary(Table t) {
        return binaryCopy && "true".equals(t.options().get(PgCatalogReader.OPTION_BINARY_SAFE));
    }

    /** Streams a table with COPY TO STDOUT; returns the row count. */
    public long copyOut(Connection c, Table t, List<Column> columns, OutputStream out, Runnable checkCancelled)
            throws SQLException, IOException {
        String sql = "COPY " + dialect.qualify(t) + " (" + dialect.columns(columns.stream().map(Column::name).toList())
                + ") TO STDOUT" + (binary(t) ? " (FORMAT binary)" : "");
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        return copy.copyOut(sql, new CancellableOutputStream(out, checkCancelled));
    }

    /** Checks for cancellation every few megabytes of a long COPY. */
    private static final class CancellableOutputStream extends FilterOutputStream {
        private final Runnable checkCancelled;
        private long sinceCheck;

        CancellableOutputStream(OutputStream out, Runnable checkCancelled) {
            super(out);
            this.checkCancelled = checkCancelled;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sinceCheck += len;
            if (sinceCheck > (4 << 20)) {
                sinceCheck = 0;
                checkCancelled.run();
            }
        }

        @Override
        public void close() {
            // the caller closes the object stream
        }
    }

    public Map<String, String> metadata(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num'),"
                     + " current_setting('server_encoding'), current_database()")) {
            rs.next();
            out.put("serverVersionNum", rs.getString(1));
            out.put("serverEncoding", rs.getString(2));
            out.put("database", rs.getString(3));
        }
        out.put("copyFormat", binaryCopy ? "binary where exact, else text" : "text");
        return out;
    }

    // ------------------------------------------------------------------ restore

    /**
     * Loads one data object into the table with COPY FROM STDIN, in the format the object was written in (binary
     * objects start with the PGCOPY signature).
     *
     * @param createdInThisTransaction the table was created by this (uncommitted) transaction: the rows are loaded
     *        with {@code FREEZE}, already frozen and all-visible, so the index builds, foreign key checks and the
     *        first vacuum after the restore do not rewrite every page to set hint bits (measured on 5 M rows: the
     *        foreign key check took 0.67 s after a plain load, 0.26 s on frozen rows). Nobody else can see the rows
     *        before the commit, so freezing them breaks no one's snapshot.
     */
    public long copyIn(Connection c, Table target, List<Column> columns, InputStream in, boolean createdInThisTransaction)
            throws SQLException, IOException {
        PushbackInputStream data = new PushbackInputStream(in, BINARY_SIGNATURE.length);
        boolean binary = startsWithSignature(data);
        List<String> options = new ArrayList<>();
        if (binary) {
            options.add("FORMAT binary");
        }
        if (createdInThisTransaction && !c.getAutoCommit()) {
            options.add("FREEZE");
        }
        String sql = "COPY " + dialect.qualify(target) + " (" + dialect.columns(columns.stream().map(Column::name)
                .toList()) + ") FROM STDIN" + (options.isEmpty() ? "" : " (" + String.join(", ", options) + ")");
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, data, 1 << 16);
    }

    private static boolean startsWithSignature(PushbackInputStream in) throws IOException {
        byte[] head = in.readNBytes(BINARY_SIGNATURE.length);
        in.unread(head);
        return Arrays.equals(head, BINARY_SIGNATURE);
    }

    /**
     * Loads through a temporary table typed like the backup's columns, then {@code INSERT ... SELECT} into the
     * target, which converts to the target's own column types (a column the application's migrations widened, say
     * integer to bigint, cannot take the backup's binary COPY data directly). With a key, rows are upserted
     * ({@code ON CONFLICT ... DO UPDATE}, MERGE); nothing is deleted.
     *
     * @param columns the loaded columns as the target should get them (backup definitions, schemas remapped)
     * @param key     the key to upsert by, or null to insert
     */
    public long copyInViaStage(Connection c, Table target, List<Column> columns, InputStream in, Key key)
            throws SQLException, IOException {
        String stage = dialect.quote("bk_stage_" + STAGE.incrementAndGet());
        List<String> names = columns.stream().map(Column::name).toList();
        String cols = dialect.columns(names);
        createTemporaryTable(c, stage, columns, " ON COMMIT DROP");
        long rows = copyInto(c, stage, cols, in);
        boolean always = identityAlwaysColumns(c, target).stream().anyMatch(names::contains);
        JdbcSupport.execute(c, "INSERT INTO " + dialect.qualify(target) + " (" + cols + ")"
                + (always ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT " + cols + " FROM " + stage
                + (key == null ? "" : dialect.onConflict(names, key)));
        JdbcSupport.execute(c, "DROP TABLE " + stage);
        return rows;
    }

    /**
     * Copies a table's backup rows (COPY text or binary) into a new session-private table {@code name} with the
     * backup's column types, kept until dropped: MERGE's collision check joins it with the target.
     */
    public void copyIntoTemporaryTable(Connection c, String name, List<Column> columns,
                                       RestoreContext ctx, List<String> objects)
            throws SQLException, IOException {
        String table = dialect.quote(name);
        createTemporaryTable(c, table, columns, "");
        String cols = dialect.columns(columns.stream().map(Column::name).toList());
        for (String path : objects) {
            try (InputStream in = ctx.openObject(path)) {
                copyInto(c, table, cols, in);
            }
        }
    }

    private void createTemporaryTable(Connection c, String quotedName, List<Column> columns, String onCommit)
            throws SQLException {
        JdbcSupport.execute(c, "CREATE TEMPORARY TABLE " + quotedName + " (" + columns.stream()
                .map(col -> dialect.quote(col.name()) + " " + col.nativeType()).collect(Collectors.joining(", "))
                + ")" + onCommit);
    }

    private static long copyInto(Connection c, String quotedTable, String cols, InputStream in) throws SQLException, IOException {
        PushbackInputStream data = new PushbackInputStream(in, BINARY_SIGNATURE.length);
        boolean binary = startsWithSignature(data);
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + quotedTable + " (" + cols + ") FROM STDIN"
                + (binary ? " (FORMAT binary)" : ""), data, 1 << 16);
    }

    /** Whether any loaded column has another type in the existing target table than in the backup. */
    public boolean typesDiffer(Connection c, Table target, List<Column> columns) throws SQLException {
        Map<String, String> existing = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname, format_type(atttypid, atttypmod)"
                + " FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, dialect.qualify(target));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        for (Column col : columns) {
            String type = existing.get(col.name());
            if (type == null || !type.equals(col.nativeType()) && !type.equals(unqualified(col.nativeType()))) {
                return true;
            }
        }
        return false;
    }

    /** {@code schema.type} without its schema (format_type leaves out schemas on the search path). */
    private static String unqualified(String nativeType) {
        return nativeType.replaceFirst("^(?:\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)\\.", "");
    }

    private static List<String> identityAlwaysColumns(Connection c, Table target) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass"
                + " AND attidentity = 'a'")) {
            ps.setString(1, PostgresDialect.INSTANCE.qualify(target));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * DATA_ONLY: disables the user triggers of the loaded tables ({@code ALTER TABLE ... DISABLE TRIGGER USER},
     * which the table owner may do, inside the restore's transaction, as pg_restore's {@code --disable-triggers}
     * does with superuser rights) and returns the statements that enable each again as it was.
     */
    public List<String> disableUserTriggers(Connection c, RestorePlan plan) throws SQLException {
        List<String> enable = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT t.tgname, t.tgenabled FROM pg_trigger t"
                + " WHERE t.tgrelid = ?::regclass AND NOT t.tgisinternal AND t.tgparentid = 0 ORDER BY t.tgname")) {
            for (TablePlan tp : plan.tables()) {
                String table = dialect.qualify(tp.target());
                List<String> names = new ArrayList<>();
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String how = switch (rs.getString(2)) {
                            case "D" -> null;
                            case "R" -> "ENABLE REPLICA TRIGGER ";
                            case "A" -> "ENABLE ALWAYS TRIGGER ";
                            default -> "ENABLE TRIGGER ";
                        };
                        if (how != null) {
                            names.add("ALTER TABLE " + table + " " + how + dialect.quote(rs.getString(1)));
                        }
                    }
                }
                if (!names.isEmpty()) {
                    JdbcSupport.execute(c, "ALTER TABLE " + table + " DISABLE TRIGGER USER");
                    LoggerFactory.getLogger(PostgresSupport.class).info(
                            "DATA_ONLY: {} trigger(s) of {} disabled for the load", names.size(), table);
                    enable.addAll(names);
                }
            }
        }
        return enable;
    }

    /** The line of the COPY input a server error points at (the row number), or -1. */
    public static long failedLine(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException pe) {
                ServerErrorMessage m = pe.getServerErrorMessage();
                if (m != null && m.getWhere() != null) {
                    Matcher matcher = COPY_LINE.matcher(m.getWhere());
                    if (matcher.find()) {
                        return Long.parseLong(matcher.group(1));
                    }
                }
            }
        }
        return -1;
    }

    /** Creates the backup's enum and domain types the restored tables need and the target lacks (REPLACE, MERGE). */
    public void createTypes(Connection c, RestorePlan plan) throws SQLException {
        if (plan.mode() == RestoreMode.DATA_ONLY) {
            return;
        }
        Map<String, String> schemaMap = schemaMap(plan);
        for (UserType type : plan.model().types()) {
            if (!schemaMap.containsKey(type.schema())) {
                continue;
            }
            String schema = schemaMap.get(type.schema());
            UserType target = new UserType(schema, type.name(), type.kind(), type.labels(),
                    type.baseType() == null ? null : rename(type.baseType(), schemaMap), type.notNull(),
                    type.defaultValue() == null ? null : rename(type.defaultValue(), schemaMap),
                    type.checks().stream().map(ch -> rename(ch, schemaMap)).toList());
            List<String> existingLabels = existingEnumLabels(c, schema, type.name());
            if (existingLabels == null) {
                JdbcSupport.execute(c, dialect.createSchemaIfMissing(schema));
                JdbcSupport.execute(c, dialect.createType(target));
            } else if (type.kind().equals("ENUM") && !existingLabels.containsAll(type.labels())) {
                throw new UnsupportedBackupException("type " + schema + "." + type.name() + " exists in the target"
                        + " with labels " + existingLabels + " but the backup needs " + type.labels()
                        + ": add the missing labels (ALTER TYPE ... ADD VALUE) or drop the type. Nothing was changed.");
            }
        }
    }

    /** The enum labels of an existing type (empty list for a domain), or null when there is no such type. */
    private static List<String> existingEnumLabels(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT t.oid, ARRAY(SELECT e.enumlabel::text FROM pg_enum e"
                + " WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) FROM pg_type t"
                + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ? AND t.typname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return Arrays.stream((Object[]) rs.getArray(2).getArray()).map(String.class::cast).toList();
            }
        }
    }

    /** Backup schema → target schema for every restored table's schema. */
    private static Map<String, String> schemaMap(RestorePlan plan) {
        Map<String, String> map = new LinkedHashMap<>();
        for (TablePlan tp : plan.tables()) {
            map.put(tp.backup().schema(), tp.target().schema());
        }
        return map;
    }

    /**
     * With schema remapping, rewrites the schema-qualified names inside native types (enums, domains), defaults,
     * checks, index definitions and view definitions: the reader wrote them fully qualified for this purpose.
     */
    public RestorePlan remapSchemas(RestorePlan plan, RestoreContext ctx, Connection c) {
        Map<String, String> map = schemaMap(plan);
        map.entrySet().removeIf(e -> e.getKey().equals(e.getValue()));
        if (map.isEmpty()) {
            return plan;
        }
        List<TablePlan> tables = new ArrayList<>();
        for (TablePlan tp : plan.tables()) {
            Table t = tp.target();
            List<Column> cols = t.columns().stream().map(col -> new Column(col.name(), rename(col.nativeType(), map),
                    col.jdbcType(), col.size(), col.scale(), col.nullable(),
                    col.defaultValue() == null ? null : rename(col.defaultValue(), map), col.identity(),
                    col.generated() == null ? null : rename(col.generated(), map), col.valueType())).toList();
            List<Check> checks = t.checks().stream().map(ch -> new Check(ch.name(), rename(ch.expression(), map)))
                    .toList();
            List<Index> indexes = t.indexes().stream().map(ix -> new Index(ix.name(), ix.unique(), ix.columns(),
                    ix.definition() == null ? null : rename(ix.definition(), map))).toList();
            Map<String, String> options = new LinkedHashMap<>();
            t.options().forEach((k, v) -> options.put(k, rename(v, map)));
            Table target = new Table(t.schema(), t.name(), cols, t.primaryKey(), t.uniqueKeys(), t.foreignKeys(),
                    indexes, checks, t.autoIncrementNext(), options);
            tables.add(new TablePlan(tp.backup(), target, tp.existing(), tp.entry(), tp.rowsBefore()));
        }
        List<View> views = plan.views().stream().map(v -> new View(v.schema(), v.name(), rename(v.definition(), map),
                v.materialized())).toList();
        return new RestorePlan(plan.model(), tables, plan.sequences(), views, plan.mode());
    }

    /** Replaces {@code src.} (as PostgreSQL quotes the schema) by {@code dst.} where it starts a qualified name. */
    String rename(String sql, Map<String, String> map) {
        String out = sql;
        for (Map.Entry<String, String> e : map.entrySet()) {
            String from = quoteIdentLikePostgres(e.getKey()) + ".";
            String to = quoteIdentLikePostgres(e.getValue()) + ".";
            out = Pattern.compile("(?<![\\w\"$])" + Pattern.quote(from)).matcher(out)
                    .replaceAll(Matcher.quoteReplacement(to));
        }
        return out;
    }

    /** What {@code quote_ident} returns: bare for lower-case simple names, double-quoted otherwise. */
    static String quoteIdentLikePostgres(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") ? name : dialectQuote(name);
    }

    private static String dialectQuote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Sets every sequence of the restored tables (serial and identity included) to its state in the backup, and
     * never below the largest value now in its column, so the next insert cannot collide. Standalone sequences
     * are set to their backed-up state.
     */
    public void resetSequences(Connection c, RestorePlan plan) throws SQLException {
        Map<String, Sequence> owned = new HashMap<>();
        for (Sequence s : plan.model().sequences()) {
            if (s.ownedBy() != null) {
                owned.put(s.ownedBy(), s);
            }
        }
        Set<String> done = new LinkedHashSet<>();
        for (TablePlan tp : plan.tables()) {
            Table t = tp.existing() != null && plan.mode() != RestoreMode.REPLACE
                    ? tp.existing() : tp.target();
            String table = dialect.qualify(tp.target());
            for (Column col : t.columns()) {
                String seq = serialSequence(c, table, col.name());
                if (seq == null) {
                    continue;
                }
                Sequence s = owned.get(tp.backup().qualifiedName() + "." + col.name());
                long value = s == null ? 1 : s.lastValue() == null ? s.start() : s.lastValue();
                boolean called = s != null && s.lastValue() != null;
                Long max = max(c, table, col);
                if (max != null && (called ? max > value : max >= value)) {
                    value = max;
                    called = true;
                }
                setval(c, dialect.literal(seq), value, called);
                done.add(seq);
            }
        }
        for (Sequence s : plan.sequences()) {
            if (s.ownedBy() != null) {
                continue;
            }
            String q = dialect.qualify(s.schema(), s.name());
            if (exists(c, q)) {
                setval(c, dialect.literal(q), s.lastValue() == null ? s.start() : s.lastValue(), s.lastValue() != null);
            }
        }
    }

    private static String serialSequence(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, table);
            ps.setString(2, column); // taken literally, not as an identifier
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private Long max(Connection c, String table, Column col) throws SQLException {
        if (col.valueType() != ValueType.INTEGER) {
            return null;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(" + dialect.quote(col.name()) + ")::bigint FROM " + table)) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        }
    }

    private static boolean exists(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void setval(Connection c, String sequenceLiteral, long value, boolean called) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT setval(" + sequenceLiteral + "::regclass, " + value + ", " + called + ")");
        }
    }

    /** A table's name as the restore's preview gives it ({@code schema.table}, split at the first dot), quoted. */
    static String qualified(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? PostgresDialect.INSTANCE.quote(name)
                : PostgresDialect.INSTANCE.qualify(name.substring(0, dot), name.substring(dot + 1));
    }

    /** DROP TABLE IF EXISTS for {@code schema.table} names (split at the first dot), in one statement. */
    public static void dropTables(DataSource target, List<String> qualifiedNames) {
        if (qualifiedNames.isEmpty()) {
            return;
        }
        List<String> quoted = qualifiedNames.stream().map(PostgresSupport::qualified).toList();
        try (Connection c = JdbcSupport.connect(target, "target")) {
            JdbcSupport.execute(c, "DROP TABLE IF EXISTS " + String.join(", ", quoted));
        } catch (SQLException e) {
            throw new RestoreException("dropping tables " + qualifiedNames + " failed: " + e.getMessage(), e);
        }
    }
}
