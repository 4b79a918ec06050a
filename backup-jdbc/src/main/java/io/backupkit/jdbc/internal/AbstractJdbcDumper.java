package io.backupkit.jdbc.internal;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.DumpException;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreResult.TableChange;
import io.backupkit.api.TableSelection;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.jdbc.JdbcDumperOptions;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Sequence;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.BatchUpdateException;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The dump and restore pipeline every JDBC dumper shares; engines differ through their {@link Dialect} and by
 * overriding the protected steps (the PostgreSQL dumper replaces {@link #dumpTable}/{@link #loadTable} with COPY and
 * {@link #openSnapshot} with exported snapshots).
 *
 * <p><b>Dump</b>: open the snapshot (one consistent view for all workers) → read the schema model of the selected
 * tables (an exact include naming no table fails before anything is written) → write {@code schema.json} → dump
 * tables with {@code parallelism} workers, each table one object → report everything not captured as warnings.
 *
 * <p><b>Restore</b>: read {@code schema.json} → select tables (exact includes must exist in the backup) → map
 * schemas → connect and pre-check (engine, types the target can hold, keys for MERGE, tables for DATA_ONLY) → only
 * then touch the target: foreign-key checks off → REPLACE: drop and create tables / DATA_ONLY: empty them / MERGE:
 * create missing ones → load rows in foreign-key order → unique keys and indexes → foreign keys → views → sequences
 * and identity counters past the restored values → checks back on → count rows. Engines with transactional DDL
 * do all of it in one transaction, so a failure leaves the target as it was.
 */
public abstract class AbstractJdbcDumper implements DatabaseDumper {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractJdbcDumper.class);

    /** Name of the schema model object. */
    public static final String SCHEMA_OBJECT = "schema.json";
    /** Manifest metadata key holding the schema model's object path. */
    public static final String META_SCHEMA = "schemaObject";
    /** Manifest metadata key holding the data file format. */
    public static final String META_DATA_FORMAT = "dataFormat";
    /** Data format of {@link RowWriter} files. */
    public static final String ROWS_FORMAT = "bkrows-1";

    private final String name;
    protected final Dialect dialect;
    protected final JdbcDumperOptions options;

    /** @param name the dumper's {@link #name()}, as manifests record it and restore looks it up */
    protected AbstractJdbcDumper(String name, Dialect dialect, JdbcDumperOptions options) {
        this.name = Objects.requireNonNull(name, "name");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public final String name() {
        return name;
    }

    public Dialect dialect() {
        return dialect;
    }

    // ==================================================================== dump

    /** Connections that all see the same consistent snapshot. The first is the main one. */
    protected static final class Snapshot implements AutoCloseable {
        private final List<Connection> connections;

        public Snapshot(List<Connection> connections) {
            if (connections.isEmpty()) {
                throw new IllegalArgumentException("a snapshot needs at least one connection");
            }
            this.connections = List.copyOf(connections);
        }

        public Connection main() {
            return connections.get(0);
        }

        public List<Connection> connections() {
            return connections;
        }

        @Override
        public void close() {
            for (Connection c : connections) {
                try {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                } catch (SQLException e) {
                    LOG.debug("ending the snapshot transaction failed", e);
                }
                try {
                    c.close();
                } catch (SQLException e) {
                    LOG.warn("closing a dump connection failed: {}", e.getMessage());
                }
            }
        }
    }

    /**
     * Opens the connections of the dump, all in one consistent snapshot. The default opens a single connection
     * (engines without snapshot sharing); engines that can share a snapshot open up to {@code parallelism}.
     */
    protected Snapshot openSnapshot(DataSource ds, int parallelism, List<String> warnings) throws SQLException {
        Connection c = JdbcSupport.connect(ds, "source");
        try {
            dialect.beginSnapshot(c);
            return new Snapshot(List.of(c));
        } catch (SQLException | RuntimeException e) {
            JdbcSupport.closeAfterFailure(c, e);
            throw e;
        }
    }

    @Override
    public DumpSummary dump(DumpContext ctx) {
        return dump(ctx, null, Map.of());
    }

    /**
     * A dump of tables that a restore's swap moved aside: {@code model} was read from them before the swap, under
     * their names then, and each table's rows are read from the table {@code rowsFrom} maps its qualified name to
     * (same schema). So the dump records the tables as they were when the swap replaced them, with every row committed
     * to them until then: the safety backup of a REPLACE ({@link io.backupkit.api.spi.RestoreContext#takeSafetyBackup}).
     */
    protected DumpSummary dumpMovedAside(DumpContext ctx, SchemaModel model, Map<String, String> rowsFrom) {
        return dump(ctx, Objects.requireNonNull(model, "model"), rowsFrom);
    }

    private DumpSummary dump(DumpContext ctx, SchemaModel given, Map<String, String> rowsFrom) {
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        try (Snapshot snap = openSnapshot(ctx.dataSource(), Math.max(1, ctx.parallelism()), warnings)) {
            Connection main = snap.main();
            DatabaseMetaData meta = main.getMetaData();
            SchemaModel model = given != null ? given : readSelectedSchema(main, ctx.tables(), warnings);
            List<String> schemas = model.tables().stream().map(Table::schema).distinct().toList();
            warnings.addAll(dialect.notCaptured(main, schemas));
            warnings.addAll(extraWarnings(main, model));
            List<String> notCaptured = dialect.uncapturable(main, model);
            List<String> outsideBackup = dialect.outsideBackup(main, model);
            try (OutputStream out = ctx.createObject(SCHEMA_OBJECT, Manifest.ObjectKind.SCHEMA)) {
                SchemaJson.write(model, out);
            }
            List<Manifest.TableEntry> entries = dumpTables(snap, model, ctx, rowsFrom);
            Map<String, String> metadata = new LinkedHashMap<>(dumpOtherData(main, ctx));
            metadata.put(META_SCHEMA, ctx.objectPath(SCHEMA_OBJECT));
            metadata.put(META_DATA_FORMAT, dataFormat());
            metadata.put("dialect", dialect.name());
            metadata.put("defaultSchema", model.defaultSchema());
            metadata.putAll(extraMetadata(main));
            metadata.putAll(largeValuesMetadata(ctx));
            List<String> sortedWarnings;
            synchronized (warnings) {
                sortedWarnings = warnings.stream().distinct().toList();
            }
            for (String w : sortedWarnings) {
                LOG.warn("dump: {}", w);
            }
            return new DumpSummary(meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion(),
                    JdbcSupport.redactUrl(meta.getURL()), entries, metadata, sortedWarnings,
                    notCaptured, outsideBackup);
        } catch (SQLException e) {
            throw new DumpException("reading the database failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DumpException("writing the dump failed: " + e.getMessage(), e);
        }
    }

    /** Reads the schema of the tables the selection picks; an exact include that matches no table is an error. */
    protected SchemaModel readSelectedSchema(Connection c, TableSelection selection, List<String> warnings) throws SQLException {
        List<String[]> seen = new ArrayList<>();
        SchemaModel model = dialect.readSchema(c, st -> {
            seen.add(st);
            return selection.matches(st[0], st[1]);
        }, warnings);
        List<String> missing = new ArrayList<>();
        for (String include : selection.exactIncludes()) {
            if (seen.stream().noneMatch(st -> TableSelection.matchesOne(include, st[0], st[1]))) {
                missing.add(include);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("no table named " + String.join(", ", missing) + " in the database; tables are: "
                    + seen.stream().map(st -> st[0].isEmpty() ? st[1] : st[0] + "." + st[1]).limit(50)
                    .collect(Collectors.joining(", ")));
        }
        return model;
    }

    /** Warnings beyond {@link Dialect#notCaptured} (e.g. limits of the generic dumper). */
    protected List<String> extraWarnings(Connection c, SchemaModel model) throws SQLException {
        return List.of();
    }

    /**
     * Dumps data that is not a table's rows (PostgreSQL large objects) on the snapshot's main connection, after the
     * tables; returns the manifest metadata naming its objects. None by default.
     */
    protected Map<String, String> dumpOtherData(Connection c, DumpContext ctx) throws SQLException, IOException {
        return Map.of();
    }

    /** Metadata recorded in the manifest besides the schema object (server version, encoding ...). */
    protected Map<String, String> extraMetadata(Connection c) throws SQLException {
        return Map.of();
    }

    /** The data format of table objects, recorded in the manifest. */
    protected String dataFormat() {
        return ROWS_FORMAT;
    }

    /** The object name suffix of table data. */
    protected String dataExtension() {
        return "rows";
    }

    private List<Manifest.TableEntry> dumpTables(Snapshot snap, SchemaModel model, DumpContext ctx,
                                                 Map<String, String> rowsFrom) throws SQLException {
        Map<String, String> objectNames = objectNames(model.tables());
        Map<String, Manifest.TableEntry> done = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Table> queue = new ConcurrentLinkedQueue<>(dumpOrder(snap.main(), model));
        List<Connection> conns = snap.connections();
        if (conns.size() == 1) {
            drain(conns.get(0), queue, objectNames, done, ctx, rowsFrom);
        } else {
            JdbcSupport.runWorkers(conns.size(), "backupkit-dump", new AtomicReference<>(), conns, i -> {
                try {
                    drain(conns.get(i), queue, objectNames, done, ctx, rowsFrom);
                } catch (Throwable t) {
                    queue.clear(); // the other workers stop after their current table
                    throw t;
                }
            });
        }
        List<Manifest.TableEntry> entries = new ArrayList<>();
        for (Table t : model.tables()) {
            entries.add(done.get(t.qualifiedName()));
        }
        return entries;
    }

    private void drain(Connection c, ConcurrentLinkedQueue<Table> queue, Map<String, String> objectNames,
                       Map<String, Manifest.TableEntry> done, DumpContext ctx, Map<String, String> rowsFrom)
            throws SQLException {
        Table t;
        while ((t = queue.poll()) != null) {
            ctx.checkCancelled();
            String name = objectNames.get(t.qualifiedName());
            String from = rowsFrom.get(t.qualifiedName());
            long rows;
            try (OutputStream out = ctx.createObject(name, Manifest.ObjectKind.TABLE_DATA)) {
                rows = dumpTable(c, from == null ? t : t.named(from), out, ctx);
            } catch (IOException e) {
                throw new DumpException("writing table " + t.qualifiedName() + " failed: " + e.getMessage(), e);
            } catch (SQLException e) {
                throw new DumpException("reading table " + t.qualifiedName() + " failed: " + e.getMessage(), e);
            }
            done.put(t.qualifiedName(), new Manifest.TableEntry(t.schema(), t.name(), rows, List.of(ctx.objectPath(name))));
            ctx.tableDone(t.qualifiedName());
        }
    }

    /**
     * The order workers take tables in; the model's (foreign-key) order by default. Dumpers that know table sizes
     * put the largest first, so the last worker does not start a huge table when the others are done.
     */
    protected List<Table> dumpOrder(Connection c, SchemaModel model) throws SQLException {
        return model.tables();
    }

    /** Unique, storage-safe object names: {@code <schema>.<table>.rows}, encoded, de-duplicated. */
    protected Map<String, String> objectNames(List<Table> tables) {
        Map<String, String> names = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (Table t : tables) {
            String base = StorageKeys.encodeSegment(t.qualifiedName().length() > 200
                    ? t.qualifiedName().substring(0, 200) : t.qualifiedName());
            String name = base + "." + dataExtension();
            for (int i = 2; !used.add(name.toLowerCase(Locale.ROOT)); i++) {
                name = base + "~" + i + "." + dataExtension();
            }
            names.put(t.qualifiedName(), name);
        }
        return names;
    }

    /** The fetch size for a table: the byte budget over the estimated row size; 1 with large-object columns. */
    protected int fetchSize(Table t) {
        long estimate = 16;
        for (Column c : t.columns()) {
            if (dialect.isLargeObject(c)) {
                return 1;
            }
            estimate += switch (c.valueType()) {
                case STRING, BYTES, DYNAMIC -> c.size() == null || c.size() <= 0 || c.size() > 65_535 ? 1024 : c.size() + 8;
                case DECIMAL -> 24;
                default -> 16;
            };
        }
        return (int) Math.max(1, Math.min(10_000, options.fetchBytes() / estimate));
    }

    /** The columns whose values are dumped (generated columns are recomputed by the engine). */
    public static List<Column> dumpedColumns(Table t) {
        return t.columns().stream().filter(c -> !c.isGenerated()).toList();
    }

    /** Streams one table's rows into {@code out}; returns the row count. Values over a threshold: {@link LargeValues}. */
    protected long dumpTable(Connection c, Table t, OutputStream out, DumpContext ctx) throws SQLException, IOException {
        List<Column> cols = dumpedColumns(t);
        Optional<LargeValues> large = LargeValues.forDump(dialect, t, cols);
        String sql = large.isPresent() ? large.get().scanSql() : "SELECT " + cols.stream().map(dialect::selectExpression)
                .collect(Collectors.joining(", ")) + " FROM " + dialect.qualify(t);
        RowWriter w = new RowWriter(out, cols.stream().map(Column::name).toList(),
                cols.stream().map(Column::valueType).toList());
        try {
            try (Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                dialect.configureStreaming(st, fetchSize(t));
                try (ResultSet rs = st.executeQuery(sql)) {
                    long pending = 0;
                    while (rs.next()) {
                        if (large.isPresent() && large.get().setAside(rs)) {
                            continue;
                        }
                        w.startRow();
                        for (int i = 0; i < cols.size(); i++) {
                            writeValue(rs, i + 1, cols.get(i), w);
                        }
                        if (++pending == 1000) {
                            ctx.addRows(pending);
                            pending = 0;
                            ctx.checkCancelled();
                        }
                    }
                    ctx.addRows(pending);
                }
            }
            if (large.isPresent()) {
                long before = w.rows();
                large.get().writeSetAside(c, w, this::writeValue);
                ctx.addRows(w.rows() - before);
                recordLargest(ctx, t, large.get().largest());
            }
        } finally {
            large.ifPresent(LargeValues::discard);
        }
        w.finish();
        return w.rows();
    }

    /** Per running dump: the largest values over {@link LargeValues#PIECE_BYTES} per table and column. */
    private final Map<DumpContext, Map<String, Map<String, Long>>> largestValues =
            Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Records a table's largest values over {@link LargeValues#PIECE_BYTES} (column -> bytes) for the manifest. */
    protected void recordLargest(DumpContext ctx, Table t, Map<String, Long> largest) {
        if (!largest.isEmpty()) {
            largestValues.computeIfAbsent(ctx, k -> new ConcurrentHashMap<>()).put(t.qualifiedName(), Map.copyOf(largest));
        }
    }

    /**
     * The manifest metadata recording the dump's values over {@link LargeValues#PIECE_BYTES} (for the restore's check
     * of the server's limits), and forgets them; empty when there were none.
     */
    protected Map<String, String> largeValuesMetadata(DumpContext ctx) {
        Map<String, Map<String, Long>> largest = largestValues.remove(ctx);
        return largest == null || largest.isEmpty() ? Map.of()
                : Map.of(LargeValues.META_LARGEST, LargeValues.toMetadata(new java.util.TreeMap<>(largest)));
    }

    private void writeValue(ResultSet rs, int i, Column col, RowWriter w) throws SQLException, IOException {
        if (col.valueType() == ValueType.BYTES && dialect.isLargeObject(col)) {
            writeLargeObject(rs, i, w);
        } else {
            w.value(dialect.readValue(rs, i, col));
        }
    }

    private static void writeLargeObject(ResultSet rs, int i, RowWriter w) throws SQLException, IOException {
        Blob blob;
        try {
            blob = rs.getBlob(i);
        } catch (SQLFeatureNotSupportedException e) {
            w.value(rs.getBytes(i));
            return;
        }
        if (blob == null) {
            w.nullValue();
            return;
        }
        try (InputStream in = blob.getBinaryStream()) {
            w.bytesValue(in, blob.length());
        } finally {
            try {
                blob.free();
            } catch (SQLFeatureNotSupportedException ignored) {
                // nothing to free
            }
        }
    }

    // ==================================================================== restore

    /** One table of a restore: the backup's definition, its definition in the target, what is there now. */
    /** How a table is loaded. */
    protected enum Load {
        /** Into a table this restore created (REPLACE, or a table the target lacked): empty, no keys or indexes yet. */
        NEW_TABLE,
        /** Plain inserts into an existing table (DATA_ONLY after emptying it). */
        INSERT,
        /** Upserts by the merge key into an existing table (MERGE). */
        UPSERT
    }

    public record TablePlan(Table backup, Table target, Table existing, Manifest.TableEntry entry, long rowsBefore) {
        public String targetName() {
            return target.qualifiedName();
        }
    }

    /** Everything decided before the target is touched. */
    public record RestorePlan(SchemaModel model, List<TablePlan> tables, List<Sequence> sequences,
                                 List<SchemaModel.View> views, RestoreMode mode) {
    }

    /** All-or-nothing exactly where the engine runs DDL inside the restore's one transaction (SQLite). */
    @Override
    public boolean restoresAtomically(DataSource target) {
        return dialect.transactionalDdl();
    }

    /**
     * Drops the tables a failed restore created, with foreign-key checks off where the engine allows; otherwise in
     * as many passes as the references between them need.
     */
    @Override
    public void dropTables(DataSource target, List<String> qualifiedNames) {
        try (Connection c = JdbcSupport.connect(target, "target")) {
            c.setAutoCommit(true);
            boolean checksOff = dialect.setForeignKeyChecks(c, false);
            List<String> left = new ArrayList<>(qualifiedNames);
            SQLException last = null;
            for (int pass = 0; pass <= qualifiedNames.size() && !left.isEmpty(); pass++) {
                for (Iterator<String> it = left.iterator(); it.hasNext();) {
                    String name = it.next();
                    int dot = name.indexOf('.');
                    String table = dot < 0 ? dialect.quote(name) : dialect.qualify(name.substring(0, dot), name.substring(dot + 1));
                    try (Statement st = c.createStatement()) {
                        st.execute("DROP TABLE IF EXISTS " + table);
                        it.remove();
                    } catch (SQLException e) {
                        last = e; // referenced by a table not dropped yet: next pass
                    }
                }
            }
            if (checksOff) {
                dialect.setForeignKeyChecks(c, true);
            }
            if (!left.isEmpty()) {
                throw new RestoreException("could not drop the tables " + left + " that the failed restore created: "
                        + (last == null ? "" : last.getMessage()), last);
            }
        } catch (SQLException e) {
            throw new RestoreException("could not drop the tables " + qualifiedNames + " that the failed restore created: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<TableChange> preview(RestoreContext ctx) {
        try (Connection c = JdbcSupport.connect(ctx.dataSource(), "target")) {
            RestorePlan plan = plan(ctx, c);
            mergeCollisions().check(ctx, c, plan); // a dry run refuses what the restore would refuse
            return plan.tables().stream().map(tp -> new TableChange(tp.targetName(), tp.rowsBefore(), tp.entry().rows())).toList();
        } catch (SQLException e) {
            throw new RestoreException("checking the target database failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<TableChange> restore(RestoreContext ctx) {
        Connection c = JdbcSupport.connect(ctx.dataSource(), "target");
        try {
            RestorePlan plan = plan(ctx, c);
            execute(ctx, c, plan);
            List<TableChange> changes = new ArrayList<>();
            for (TablePlan tp : plan.tables()) {
                // REPLACE and DATA_ONLY leave exactly the loaded rows, whose number loadOne checked
                changes.add(new TableChange(tp.targetName(), tp.rowsBefore(),
                        plan.mode() == RestoreMode.MERGE ? count(c, tp.target()) : tp.entry().rows()));
            }
            return changes;
        } catch (SQLException e) {
            throw new RestoreException("restore failed: " + e.getMessage(), e);
        } finally {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.warn("closing the restore connection failed: {}", e.getMessage());
            }
        }
    }

    /** Reads the backup's schema model. */
    protected SchemaModel readModel(RestoreContext ctx) {
        String path = ctx.database().metadata().get(META_SCHEMA);
        if (path == null) {
            throw new IntegrityException("the backup's database part names no schema object (metadata '" + META_SCHEMA
                    + "'): it was not written by a BackupKit JDBC dumper");
        }
        String format = ctx.database().metadata().getOrDefault(META_DATA_FORMAT, ROWS_FORMAT);
        if (!format.equals(dataFormat())) {
            throw new UnsupportedBackupException("the backup's table data is in format '" + format + "' but the "
                    + name() + " dumper reads '" + dataFormat() + "'");
        }
        try (InputStream in = ctx.openObject(path)) {
            return SchemaJson.read(in);
        } catch (IOException e) {
            throw new RestoreException("reading the backup's schema model failed: " + e.getMessage(), e);
        }
    }

    /** Decides and checks everything; throws before anything changes. */
    protected RestorePlan plan(RestoreContext ctx, Connection c) throws SQLException {
        SchemaModel model = readModel(ctx);
        DatabaseMetaData meta = c.getMetaData();
        checkProduct(model, meta.getDatabaseProductName());
        Map<String, Manifest.TableEntry> entries = new HashMap<>();
        for (Manifest.TableEntry e : ctx.database().tables()) {
            entries.put(e.qualifiedName(), e);
        }
        TableSelection sel = ctx.tables();
        List<String> missing = sel.exactIncludes().stream()
                .filter(inc -> model.tables().stream().noneMatch(t -> TableSelection.matchesOne(inc, t.schema(), t.name())))
                .toList();
        if (!missing.isEmpty()) {
            throw new ConfigurationException("the backup has no table named " + String.join(", ", missing)
                    + "; its tables are: " + model.tables().stream().map(Table::qualifiedName).limit(50)
                    .collect(Collectors.joining(", ")));
        }
        UnaryOperator<String> mapSchema = schemaMapper(ctx, c, model);
        RestoreMode mode = ctx.mode();
        List<Table> selected = model.tables().stream().filter(t -> sel.matches(t.schema(), t.name())).toList();
        Set<String> targetNames = selected.stream().map(t -> mapSchema.apply(t.schema()) + "\u0000" + t.name())
                .collect(Collectors.toSet());
        // What the target holds now, read the same way a dump reads it (so types compare like for like).
        SchemaModel current = dialect.readSchema(c, st -> targetNames.contains(st[0] + "\u0000" + st[1]), new ArrayList<>());
        List<TablePlan> plans = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        for (Table t : selected) {
            Manifest.TableEntry entry = entries.get(t.qualifiedName());
            if (entry == null) {
                throw new IntegrityException("table " + t.qualifiedName() + " is in the schema model but not in the manifest");
            }
            Table target = t.inSchema(mapSchema.apply(t.schema()), mapSchema);
            Table existing = current.table(target.schema(), target.name()).orElse(null);
            long before = existing == null ? -1 : count(c, existing);
            plans.add(new TablePlan(t, target, existing, entry, before));
            if (mode == RestoreMode.MERGE) {
                MergeCollisions.checkKeys(t, existing, problems);
            }
            if (mode == RestoreMode.DATA_ONLY && existing == null) {
                problems.add("table " + target.qualifiedName() + " does not exist in the target: DATA_ONLY loads into "
                        + "the schema the application's migrations created; run them first or use REPLACE");
            }
            if (mode == RestoreMode.REPLACE || existing == null) {
                for (Column col : t.columns()) {
                    if (dialect.columnType(col).isEmpty()) {
                        unsupported.add(t.qualifiedName() + "." + col.name() + " (" + col.nativeType() + ")");
                    }
                }
            } else {
                checkCompatible(t, existing, unsupported, problems);
            }
        }
        if (!unsupported.isEmpty()) {
            throw new UnsupportedBackupException("the target " + meta.getDatabaseProductName() + " "
                    + meta.getDatabaseProductVersion() + " cannot hold these columns of the backup: "
                    + String.join("; ", unsupported) + ". Nothing was changed.");
        }
        if (!problems.isEmpty()) {
            throw new RestoreException(String.join("; ", problems) + ". Nothing was changed.");
        }
        Set<String> restoredSchemas = plans.stream().map(tp -> tp.backup().schema()).collect(Collectors.toSet());
        Set<String> restoredTables = plans.stream().map(tp -> tp.backup().qualifiedName()).collect(Collectors.toSet());
        List<Sequence> sequences = new ArrayList<>();
        for (Sequence s : model.sequences()) {
            boolean owned = s.ownedBy() != null;
            boolean ownerRestored = owned && restoredTables.stream().anyMatch(q -> s.ownedBy().startsWith(q + "."));
            if (owned ? ownerRestored : sel.isAll() && restoredSchemas.contains(s.schema())) {
                sequences.add(new Sequence(mapSchema.apply(s.schema()), s.name(), s.dataType(), s.start(), s.increment(),
                        s.minValue(), s.maxValue(), s.cycle(), s.lastValue(), s.ownedBy()));
            }
        }
        List<SchemaModel.View> views = new ArrayList<>();
        if (mode == RestoreMode.REPLACE) {
            for (SchemaModel.View v : model.views()) {
                if (restoredSchemas.contains(v.schema())) {
                    views.add(new SchemaModel.View(mapSchema.apply(v.schema()), v.name(), v.definition(), v.materialized()));
                }
            }
        }
        return new RestorePlan(model, plans, sequences, views, mode);
    }

    /** The backup's schema to the target's: as the request maps it, the backup's default to the target's. */
    private UnaryOperator<String> schemaMapper(RestoreContext ctx, Connection c, SchemaModel model)
            throws SQLException {
        String targetDefault = dialect.currentSchema(c);
        Map<String, String> mapping = ctx.schemaMapping();
        return s -> mapping.containsKey(s) ? mapping.get(s) : s.equals(model.defaultSchema()) ? targetDefault : s;
    }

    /** Refuses a backup of another product (its native types would not mean the same). */
    protected void checkProduct(SchemaModel model, String targetProduct) {
        if (!sameFamily(model.product(), targetProduct)) {
            throw new UnsupportedBackupException("the backup was taken from " + model.product() + " "
                    + model.productVersion() + " but the target is " + targetProduct + ": the " + name()
                    + " dumper restores into the same database product only. Nothing was changed.");
        }
    }

    protected boolean sameFamily(String backupProduct, String targetProduct) {
        return backupProduct.equalsIgnoreCase(targetProduct);
    }

    private void checkCompatible(Table backup, Table existing, List<String> unsupported, List<String> problems) {
        for (Column bc : dumpedColumns(backup)) {
            Column tc = existing.column(bc.name()).orElse(null);
            if (tc == null) {
                problems.add("table " + existing.qualifiedName() + " has no column " + bc.name() + " that the backup has");
                continue;
            }
            dialect.cannotHold(bc, tc).ifPresent(why -> unsupported.add(existing.qualifiedName() + ": " + why));
        }
        for (Column tc : existing.columns()) {
            if (backup.column(tc.name()).isEmpty() && !tc.nullable() && tc.defaultValue() == null
                    && tc.identity() == Identity.NONE && !tc.isGenerated()) {
                problems.add("table " + existing.qualifiedName() + " has a NOT NULL column " + tc.name()
                        + " without default that the backup does not have");
            }
        }
    }

    protected long count(Connection c, Table t) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + dialect.qualify(t))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Throws when a REPLACE or DATA_ONLY of the plan's tables would leave rows of tables outside the restore without
     * their parent row ({@link OutsideReferences}). Changes nothing.
     */
    protected void checkOutsideReferences(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        new OutsideReferences(dialect).check(ctx, c, plan);
    }

    /** Carries out a checked plan. */
    protected void execute(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        ctx.checkCancelled(); // last moment a cancel leaves the target untouched
        boolean generic = !restoresObjectsItself();
        if (generic) {
            checkOutsideReferences(ctx, c, plan);
        }
        MergeCollisions collisions = mergeCollisions();
        collisions.check(ctx, c, plan);
        boolean oneTransaction = dialect.transactionalDdl();
        Set<String> restoredTables = plan.tables().stream().map(tp -> tp.backup().qualifiedName()).collect(Collectors.toSet());
        UnaryOperator<String> mapSchema = schemaMapper(ctx, c, plan.model());
        List<SchemaModel.DbObject> objects = generic && plan.mode() == RestoreMode.REPLACE
                ? DbObjects.restored(plan.model().objects(), restoredTables, ctx.tables().isAll()).stream()
                .map(o -> dialect.inSchema(o, mapSchema)).toList() : List.of();
        List<SchemaModel.DbObject> suspended = generic && plan.mode() == RestoreMode.DATA_ONLY
                ? suspendedTriggers(c, plan) : List.of();
        List<String> keptDependents = !generic || plan.mode() != RestoreMode.REPLACE ? List.of()
                : dialect.keptDependents(c, plan.tables().stream().map(TablePlan::existing).filter(Objects::nonNull).toList(),
                plan.tables().stream().map(TablePlan::targetName).collect(Collectors.toSet()));
        NewObjects newObjects = oneTransaction || objects.isEmpty() ? NewObjects.none(dialect)
                : NewObjects.of(dialect, c, objects, plan.tables().stream().map(TablePlan::existing).filter(Objects::nonNull).toList(),
                plan.tables().stream().map(tp -> tp.target().schema()).distinct().toList(), mapSchema);
        dialect.prepareRestoreConnection(c);
        boolean checksOff;
        if (dialect.foreignKeyChecksOutsideTransaction()) {
            c.setAutoCommit(true);
            checksOff = dialect.setForeignKeyChecks(c, false);
            c.setAutoCommit(!oneTransaction);
        } else {
            c.setAutoCommit(!oneTransaction);
            checksOff = dialect.setForeignKeyChecks(c, false);
        }
        try {
            List<TablePlan> order = plan.tables();
            List<TablePlan> reverse = new ArrayList<>(order);
            Collections.reverse(reverse);
            switch (plan.mode()) {
                case REPLACE -> {
                    createSchemas(c, order);
                    List<SchemaModel.DbObject> dropOrder = new ArrayList<>(objects);
                    Collections.reverse(dropOrder);
                    for (SchemaModel.DbObject o : DbObjects.inPhase(dropOrder, SchemaModel.Phase.POST_DATA)) {
                        dialect.dropObject(c, o);
                    }
                    dropReplacedObjects(c, plan);
                    // what tables use (sequences, domains, functions) goes after them
                    for (SchemaModel.DbObject o : DbObjects.inPhase(dropOrder, SchemaModel.Phase.PRE_DATA)) {
                        dialect.dropObject(c, o);
                    }
                    for (SchemaModel.DbObject o : DbObjects.inPhase(objects, SchemaModel.Phase.PRE_DATA)) {
                        newObjects.create(c, o);
                    }
                    createTables(c, plan, order);
                }
                case DATA_ONLY -> {
                    for (SchemaModel.DbObject o : suspended) {
                        dialect.dropObject(c, o);
                    }
                    for (TablePlan tp : reverse) {
                        JdbcSupport.execute(c, dialect.emptyTable(tp.target()));
                    }
                }
                case MERGE -> {
                    collisions.deleteCollidingTargetRows(ctx, c, plan);
                    List<TablePlan> missing = order.stream().filter(tp -> tp.existing() == null).toList();
                    createSchemas(c, missing);
                    createTables(c, plan, missing);
                }
            }
            beforeLoad(c, plan);
            if (!oneTransaction) {
                c.commit();
            }
            if (!oneTransaction) {
                // Without one transaction to protect, every batch commits: the engine keeps no undo of a whole
                // table (H2 holds uncommitted large objects in memory). The safety backup is the way back.
                c.setAutoCommit(true);
            }
            loadAll(ctx, c, plan, oneTransaction);
            if (!oneTransaction) {
                c.setAutoCommit(false);
            }
            for (TablePlan tp : keyOrder(plan)) {
                if (tp.existing() == null || plan.mode() == RestoreMode.REPLACE) {
                    JdbcSupport.execute(c, dialect.createKeysAndIndexes(tp.target()));
                }
            }
            for (TablePlan tp : order) {
                if (tp.existing() == null || plan.mode() == RestoreMode.REPLACE) {
                    JdbcSupport.execute(c, dialect.addForeignKeys(withResolvableForeignKeys(c, tp.target(), plan)));
                }
            }
            JdbcSupport.execute(c, keptDependents);
            for (SchemaModel.View v : plan.views()) {
                try {
                    JdbcSupport.execute(c, dialect.createView(v));
                } catch (SQLException e) {
                    LOG.warn("view {} was not recreated: {}", v.qualifiedName(), e.getMessage());
                    if (oneTransaction) {
                        throw e;
                    }
                }
            }
            for (SchemaModel.DbObject o : DbObjects.inPhase(objects, SchemaModel.Phase.POST_DATA)) {
                newObjects.create(c, o);
            }
            recreate(c, suspended);
            suspended = List.of();
            afterLoad(c, plan);
            resetCounters(c, plan);
            if (checksOff && !dialect.foreignKeyChecksOutsideTransaction()) {
                dialect.setForeignKeyChecks(c, true);
            }
            recordTransaction(ctx, c, oneTransaction);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackAfterFailure(c, e, oneTransaction);
            newObjects.dropCreated(c, e);
            if (!oneTransaction && !suspended.isEmpty()) {
                try {
                    recreate(c, suspended); // committed as they go: put the suspended triggers back at least
                } catch (SQLException | RuntimeException re) {
                    e.addSuppressed(re);
                }
            }
            throw e;
        } finally {
            try {
                if (!c.isClosed()) {
                    c.setAutoCommit(true);
                    if (checksOff) {
                        dialect.setForeignKeyChecks(c, true);
                    }
                }
            } catch (SQLException e) {
                LOG.warn("restoring session settings after the restore failed: {}", e.getMessage());
            }
        }
    }

    private MergeCollisions mergeCollisions() {
        return new MergeCollisions(dialect, this::stageBackupRows);
    }

    /**
     * MERGE's collision check: puts at least {@code columns} of the table's backup rows into a new session-private
     * table {@code name} on {@code c}, streaming. The default reads {@link RowReader} files into a table with the
     * target's types of those columns.
     */
    protected void stageBackupRows(RestoreContext ctx, Connection c, TablePlan tp, String name, List<String> columns)
            throws SQLException {
        JdbcSupport.execute(c, dialect.createKeyTable(name, tp.existing(), columns));
        BackupKeys.load(dialect, ctx, c, tp, name, columns, "that the target's unique keys need (MERGE)");
    }

    /** Creates the tables (REPLACE: all of them; MERGE: those the target lacks), in the given order by default. */
    protected void createTables(Connection c, RestorePlan plan, List<TablePlan> tables) throws SQLException {
        for (TablePlan tp : tables) {
            JdbcSupport.execute(c, dialect.createTable(tp.target()));
        }
    }

    /**
     * Whether this dumper restores the model's {@link SchemaModel#objects()} and keeps other tables' foreign keys
     * itself, through {@link #createTables}, {@link #beforeLoad} and {@link #afterLoad} (PostgreSQL interleaves objects
     * with the tables in {@code pg_depend} order, disables triggers instead of dropping them, and re-creates and
     * validates other tables' foreign keys in its transaction). By default the shared code drops and creates objects
     * by phase, for DATA_ONLY drops the loaded tables' triggers for the load and re-creates them after it, and checks
     * before any change that a selective restore orphans no row of another table.
     */
    protected boolean restoresObjectsItself() {
        return false;
    }

    /** Runs after the tables are created or emptied and before the rows are loaded (DATA_ONLY: disable triggers). */
    protected void beforeLoad(Connection c, RestorePlan plan) throws SQLException {
    }

    /** Runs after rows, keys, foreign keys and views, before the counters are set (post-data objects). */
    public void afterLoad(Connection c, RestorePlan plan) throws SQLException {
    }

    /** The order the tables' keys and indexes are built in; the plan's by default. */
    protected List<TablePlan> keyOrder(RestorePlan plan) {
        return plan.tables();
    }

    /**
     * Before the COMMIT of a one-transaction restore: its transaction id goes into the intent record, so that a
     * recovery after a kill between the COMMIT and the engine's next record can tell done from rolled back
     * ({@link #committedBeforeKill}).
     */
    protected void recordTransaction(RestoreContext ctx, Connection c, boolean oneTransaction) throws SQLException {
        String id = oneTransaction ? dialect.transactionId(c) : null;
        if (id != null) {
            ctx.recordRecoveryData(TRANSACTION, id);
        }
    }

    /** Key of {@link #recordTransaction}'s entry in the recovery data. */
    static final String TRANSACTION = "transaction";

    @Override
    public Optional<Boolean> committedBeforeKill(DataSource target, Map<String, String> recoveryData) {
        String id = recoveryData.get(TRANSACTION);
        if (id == null) {
            return Optional.empty();
        }
        try (Connection c = JdbcSupport.connect(target, "target")) {
            return Optional.ofNullable(dialect.committed(c, id));
        } catch (SQLException e) {
            throw new RestoreException("could not ask the server whether the killed restore's transaction " + id
                    + " committed: " + e.getMessage(), e);
        }
    }

    /**
     * DATA_ONLY: the target's triggers on the tables loaded. Engines without a way to switch a trigger off drop them
     * for the load and re-create them after it (in the same transaction where DDL is transactional), so loading the
     * backup's rows does not fire them.
     */
    private List<SchemaModel.DbObject> suspendedTriggers(Connection c, RestorePlan plan) throws SQLException {
        List<Table> targets = plan.tables().stream().map(TablePlan::target).toList();
        Set<String> names = targets.stream().map(Table::qualifiedName).collect(Collectors.toSet());
        List<String> schemas = targets.stream().map(Table::schema).distinct().toList();
        List<SchemaModel.DbObject> triggers = dialect.readObjects(c, targets, schemas).stream()
                .filter(o -> o.kind().equals("trigger") && names.contains(o.table())).toList();
        if (!triggers.isEmpty()) {
            LOG.warn("DATA_ONLY: {} cannot switch triggers off, so the triggers {} of the loaded tables are dropped for "
                    + "the load and re-created after it{}", dialect.name(),
                    triggers.stream().map(SchemaModel.DbObject::name).collect(Collectors.joining(", ")),
                    dialect.transactionalDdl() ? ", in the restore's transaction" : "");
        }
        return triggers;
    }

    private void recreate(Connection c, List<SchemaModel.DbObject> suspended) throws SQLException {
        for (SchemaModel.DbObject o : suspended) {
            dialect.createObject(c, o);
        }
    }

    /**
     * The table with only the foreign keys whose referenced table is restored too or already exists in the target;
     * a selective restore into a database without the parent table skips (and logs) the others.
     */
    public Table withResolvableForeignKeys(Connection c, Table t, RestorePlan plan) throws SQLException {
        List<SchemaModel.ForeignKey> keep = new ArrayList<>();
        for (SchemaModel.ForeignKey fk : t.foreignKeys()) {
            boolean restored = plan.tables().stream().anyMatch(tp -> tp.target().schema().equals(fk.referencedSchema())
                    && tp.target().name().equals(fk.referencedTable()));
            if (restored || tableExists(c, fk.referencedSchema(), fk.referencedTable())) {
                keep.add(fk);
            } else {
                LOG.warn("foreign key {} of table {} not created: the table it references, {}, is neither restored nor "
                        + "present in the target", fk.name(), t.qualifiedName(), fk.referencedQualifiedName());
            }
        }
        return keep.size() == t.foreignKeys().size() ? t : new Table(t.schema(), t.name(), t.columns(), t.primaryKey(),
                t.uniqueKeys(), keep, t.indexes(), t.checks(), t.autoIncrementNext(), t.options());
    }

    private boolean tableExists(Connection c, String schema, String name) throws SQLException {
        return new JdbcSchemaReader(dialect).tableNames(c, c.getMetaData(), schema).contains(name);
    }

    private void rollbackAfterFailure(Connection c, Exception e, boolean oneTransaction) {
        try {
            c.rollback();
            if (oneTransaction) {
                LOG.info("restore failed and was rolled back: the target is as it was");
            }
        } catch (SQLException re) {
            e.addSuppressed(re);
        }
    }

    /**
     * REPLACE: drops the backup's views, the target tables being replaced (last table first) and the backup's
     * sequences, and recreates the standalone sequences; the tables are created (or moved in) next.
     */
    public void dropReplacedObjects(Connection c, RestorePlan plan) throws SQLException {
        for (SchemaModel.View v : plan.views()) {
            JdbcSupport.execute(c, dialect.dropView(v));
        }
        List<TablePlan> reverse = new ArrayList<>(plan.tables());
        Collections.reverse(reverse);
        for (TablePlan tp : reverse) {
            if (tp.existing() != null) {
                JdbcSupport.execute(c, dialect.dropTable(tp.target()));
            }
        }
        for (Sequence s : plan.sequences()) {
            JdbcSupport.execute(c, dialect.dropSequence(s));
        }
        for (Sequence s : plan.sequences()) {
            if (s.ownedBy() == null) {
                JdbcSupport.execute(c, dialect.createSequence(s));
            }
        }
    }

    public void createSchemas(Connection c, List<TablePlan> tables) throws SQLException {
        for (String schema : tables.stream().map(tp -> tp.target().schema()).distinct().toList()) {
            JdbcSupport.execute(c, dialect.createSchemaIfMissing(schema));
        }
    }

    /** Loads every table, on {@code c} in order, or with parallel workers where the engine allows it. */
    protected void loadAll(RestoreContext ctx, Connection c, RestorePlan plan, boolean oneTransaction) throws SQLException {
        int workers = Math.min(Math.max(1, ctx.parallelism()), plan.tables().size());
        if (oneTransaction || workers <= 1 || !dialect.parallelLoad()) {
            for (TablePlan tp : plan.tables()) {
                loadOne(ctx, c, tp, plan.mode());
            }
            return;
        }
        ConcurrentLinkedQueue<TablePlan> queue = new ConcurrentLinkedQueue<>(plan.tables());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        JdbcSupport.runRestoreWorkers(workers, ctx, dialect, failure, wc -> {
            wc.setAutoCommit(true);
            dialect.setForeignKeyChecks(wc, false);
            TablePlan tp;
            while ((tp = queue.poll()) != null && failure.get() == null) {
                loadOne(ctx, wc, tp, plan.mode());
            }
        });
    }

    private void loadOne(RestoreContext ctx, Connection c, TablePlan tp, RestoreMode mode) throws SQLException {
        ctx.checkCancelled();
        List<String> objects = tp.entry().objects();
        long rows = 0;
        for (String path : objects) {
            try (InputStream in = ctx.openObject(path)) {
                rows += loadTable(c, tp, in, ctx, tp.existing() == null || mode == RestoreMode.REPLACE ? Load.NEW_TABLE
                        : mode == RestoreMode.MERGE ? Load.UPSERT : Load.INSERT);
            } catch (IOException e) {
                throw new RestoreException("reading the backup of table " + tp.backup().qualifiedName() + " failed: "
                        + e.getMessage() + ". The target table " + tp.targetName() + " may be partly loaded.", e);
            }
        }
        if (rows != tp.entry().rows()) {
            throw new IntegrityException("table " + tp.backup().qualifiedName() + ": the backup holds " + rows
                    + " rows but the manifest records " + tp.entry().rows());
        }
        ctx.tableDone(tp.targetName());
    }

    /**
     * Loads one table's rows from its data object with batched inserts (or upserts). A failing row is reported
     * by table and key.
     *
     * @return rows loaded
     */
    protected long loadTable(Connection c, TablePlan tp, InputStream in, RestoreContext ctx, Load load)
            throws SQLException, IOException {
        boolean upsert = load == Load.UPSERT;
        RowReader reader = new RowReader(in);
        Table target = tp.existing() != null && tp.existing() != tp.target() ? mergeColumns(tp) : tp.target();
        List<Column> cols = new ArrayList<>();
        for (String name : reader.columnNames()) {
            cols.add(target.column(name).orElseThrow(() -> new RestoreException("table " + tp.targetName()
                    + " has no column " + name + " that the backup has")));
        }
        Key key = tp.backup().mergeKey().orElse(null);
        List<Integer> keyIdx = key == null ? List.of() : key.columns().stream().map(reader.columnNames()::indexOf)
                .filter(i -> i >= 0).toList();
        String sql = upsert ? dialect.upsert(target, cols, key) : dialect.insert(target, cols);
        Object[] values = new Object[cols.size()];
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            List<String> batchKeys = new ArrayList<>();
            long batchBytes = 0;
            long batchStartRow = 1;
            // Large binary values go from the backup straight to drivers that copy streams while binding; engines
            // that take values in pieces get those over LargeValues.PIECE_BYTES (binary or text) piece by piece.
            PieceWriter pieces = pieceWriter(c, tp);
            long streamAbove = pieces != null ? LargeValues.PIECE_BYTES
                    : dialect.readsStreamsWhenBound() ? Dialect.LARGE_VALUE_BYTES : Long.MAX_VALUE;
            while (reader.startRow()) {
                rows++;
                Arrays.fill(values, null);
                for (int i = 0; i < cols.size(); i++) {
                    try {
                        values[i] = reader.readValue(i, streamAbove, pieces != null);
                        if (values[i] instanceof RowReader.LargeBytes large && pieces != null) {
                            pieces.stage(i, cols.get(i), large);
                        } else if (values[i] instanceof RowReader.LargeBytes large) {
                            ps.setBinaryStream(i + 1, large.in(), large.length());
                        } else {
                            dialect.bindValue(ps, i + 1, cols.get(i), values[i]);
                        }
                    } catch (SQLException | RuntimeException e) {
                        throw rowFailure(tp, rows, describeKey(reader, keyIdx, values), e);
                    }
                    batchBytes += sizeOf(values[i]);
                }
                if (pieces != null && pieces.hasStaged()) {
                    // the rows before it first, then this one on its own with its assembled values
                    if (!batchKeys.isEmpty()) {
                        executeBatch(ps, tp, batchKeys, batchStartRow);
                        ctx.addRows(batchKeys.size());
                        batchKeys.clear();
                        batchBytes = 0;
                    }
                    ps.clearParameters();
                    try {
                        pieces.writeRow(sql, cols, values);
                    } catch (SQLException | RuntimeException e) {
                        throw rowFailure(tp, rows, describeKey(reader, keyIdx, values), e);
                    }
                    ctx.addRows(1);
                    batchStartRow = rows + 1;
                    ctx.checkCancelled();
                    continue;
                }
                ps.addBatch();
                batchKeys.add(describeKey(reader, keyIdx, values));
                if (batchKeys.size() >= options.batchRows() || batchBytes >= options.batchBytes()) {
                    executeBatch(ps, tp, batchKeys, batchStartRow);
                    ctx.addRows(batchKeys.size());
                    batchStartRow = rows + 1;
                    batchKeys.clear();
                    batchBytes = 0;
                    ctx.checkCancelled();
                }
            }
            if (!batchKeys.isEmpty()) {
                executeBatch(ps, tp, batchKeys, batchStartRow);
                ctx.addRows(batchKeys.size());
            }
        }
        return rows;
    }

    /**
     * How a restore on {@code c} writes values over {@link LargeValues#PIECE_BYTES} in pieces; null (the default) when
     * the engine takes them whole (as a stream or bytes).
     */
    protected PieceWriter pieceWriter(Connection c, TablePlan tp) throws SQLException {
        return null;
    }

    /** For DATA_ONLY/MERGE into an existing table: the target's own column definitions (its types bind the values). */
    private static Table mergeColumns(TablePlan tp) {
        List<Column> cols = new ArrayList<>();
        for (Column tc : tp.existing().columns()) {
            Column bc = tp.backup().column(tc.name()).orElse(null);
            // Bind with the backup's codec type (the values are in it) but the target's native type.
            cols.add(bc == null ? tc : new Column(tc.name(), tc.nativeType(), tc.jdbcType(), tc.size(), tc.scale(),
                    tc.nullable(), tc.defaultValue(), tc.identity(), tc.generated(), bc.valueType()));
        }
        Table e = tp.existing();
        return new Table(e.schema(), e.name(), cols, e.primaryKey(), e.uniqueKeys(), e.foreignKeys(), e.indexes(),
                e.checks(), e.autoIncrementNext(), e.options());
    }

    private void executeBatch(PreparedStatement ps, TablePlan tp, List<String> keys, long firstRow) throws SQLException {
        try {
            ps.executeBatch();
            ps.clearParameters(); // drivers keep the last row's values (maybe a 50 MB blob) until told
        } catch (BatchUpdateException e) {
            int[] counts = e.getUpdateCounts();
            int failed = -1;
            if (counts != null) {
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == Statement.EXECUTE_FAILED) {
                        failed = i;
                        break;
                    }
                }
                if (failed < 0 && counts.length < keys.size()) {
                    failed = counts.length;
                }
            }
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            if (failed >= 0) {
                throw rowFailure(tp, firstRow + failed, keys.get(failed), cause);
            }
            throw new RestoreException("restoring table " + tp.targetName() + " failed in the batch of rows " + firstRow
                    + " to " + (firstRow + keys.size() - 1) + " (keys " + keys.get(0) + " to " + keys.get(keys.size() - 1)
                    + "): " + cause.getMessage(), e);
        } catch (SQLException e) {
            if (keys.size() == 1) {
                throw rowFailure(tp, firstRow, keys.get(0), e);
            }
            throw new RestoreException("restoring table " + tp.targetName() + " failed in the batch of rows " + firstRow
                    + " to " + (firstRow + keys.size() - 1) + " (keys " + keys.get(0) + " to " + keys.get(keys.size() - 1)
                    + "): " + e.getMessage(), e);
        }
    }

    public static RestoreException rowFailure(TablePlan tp, long row, String key, Exception e) {
        return new RestoreException("restoring table " + tp.targetName() + " failed at row " + row
                + (key.isEmpty() ? "" : " with key " + key) + ": " + e.getMessage(), e);
    }

    private static String describeKey(RowReader reader, List<Integer> keyIdx, Object[] values) {
        if (keyIdx.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < keyIdx.size(); i++) {
            int idx = keyIdx.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values[idx];
            String text = v instanceof byte[] b ? "<" + b.length + " bytes>" : String.valueOf(v);
            sb.append(reader.columnNames().get(idx)).append('=').append(text.length() > 100 ? text.substring(0, 100) + "..." : text);
        }
        return sb.append(')').toString();
    }

    private static long sizeOf(Object v) {
        if (v instanceof RowReader.LargeBytes large) {
            return large.length();
        }
        if (v instanceof byte[] b) {
            return b.length;
        }
        if (v instanceof String s) {
            return 2L * s.length();
        }
        return 16;
    }

    /** Sets sequences and identity / auto-increment counters so the next insert cannot collide with a restored row. */
    protected void resetCounters(Connection c, RestorePlan plan) throws SQLException {
        for (Sequence s : plan.sequences()) {
            JdbcSupport.execute(c, dialect.restartSequence(s, s.nextValue()));
        }
        for (TablePlan tp : plan.tables()) {
            Table t = tp.existing() != null && plan.mode() != RestoreMode.REPLACE ? tp.existing() : tp.target();
            for (Column col : t.columns()) {
                if (col.identity() == Identity.NONE || col.valueType() != ValueType.INTEGER && col.valueType() != ValueType.DYNAMIC) {
                    continue;
                }
                long next = Math.max(1, maxPlusOne(c, t, col));
                if (tp.backup().autoIncrementNext() != null) {
                    next = Math.max(next, tp.backup().autoIncrementNext());
                }
                JdbcSupport.execute(c, dialect.restartIdentity(t, col, next));
            }
        }
    }

    private long maxPlusOne(Connection c, Table t, Column col) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(" + dialect.quote(col.name()) + ") FROM " + dialect.qualify(t))) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? 1 : max + 1;
        }
    }

}
