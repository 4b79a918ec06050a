package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.DumperFactory;
import io.backupkit.jdbc.JdbcDumperOptions;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.RestoreException;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.api.spi.WriteFence;
import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import io.backupkit.jdbc.internal.JdbcSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreMode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dumps and restores PostgreSQL with {@code COPY} through pgjdbc's {@code CopyManager}, streaming both ways.
 *
 * <p><b>Dump</b>: one {@code REPEATABLE READ, READ ONLY} transaction; its snapshot is exported
 * ({@code pg_export_snapshot}) and imported by the other worker connections ({@code SET TRANSACTION SNAPSHOT}),
 * so every table comes from the same instant. Largest tables first. Data moves with
 * {@code COPY ... TO STDOUT (FORMAT binary)} for tables of built-in types (about 25% faster to dump and 40% to
 * load than text, measured) and text {@code COPY} for tables whose binary form would carry the OIDs of user types
 * (arrays of enums, composites). The schema comes from {@code pg_catalog}; functions, triggers, policies,
 * partitions, extensions, grants, rules, materialized views and event triggers are listed in the warnings.
 *
 * <p><b>Restore</b>: one transaction (PostgreSQL has transactional DDL), so a failure anywhere leaves the target as
 * it was: enum and domain types → tables → {@code COPY ... FROM STDIN (FREEZE)} → primary keys, unique keys,
 * indexes (as {@code pg_get_indexdef} recorded them), foreign keys → views → sequences and identity counters. MERGE loads each
 * table into a temporary table and upserts with {@code INSERT ... ON CONFLICT}. DATA_ONLY empties the tables and
 * loads with {@code session_replication_role = replica} when the role may set it. A failing row is named by table
 * and line.
 *
 * <p><b>Parallel REPLACE</b>: with more than one connection allowed and several tables (with their types,
 * functions, partitions and the rest), a REPLACE restore loads and indexes the tables on worker connections in a staging schema and swaps them in with
 * one short transaction ({@code PostgresStagedRestore}): as atomic for other sessions as the single transaction,
 * measured 14.3 s instead of 17-25 s for the benchmark's 1.3 GB on 2 cores (docs/ARCHITECTURE.md).
 *
 * <p><b>Writes during a REPLACE</b>: the engine's write fence ({@link #fenceWrites}, {@code PgWriteFence}) makes
 * writes to the replaced tables wait from before the safety backup until the restore commits, so none is lost.
 *
 * <p>Requires the PostgreSQL JDBC driver (org.postgresql:postgresql) on the class path.
 */
public final class PostgresDumper extends AbstractJdbcDumper {
    /** The dumper's name, recorded in manifests. */
    public static final String NAME = "postgresql";

    private static final String ROLLED_BACK = ". The restore ran in one transaction and was rolled back: the target"
            + " is as it was";
    private static final String STAGED_DROPPED = ". The restore was rolled back (its staged tables were dropped): the"
            + " target is as it was";

    private final PostgresSupport support;
    private final boolean binaryCopy;
    private final boolean restoreOwners;
    private final boolean restorePrivileges;
    private final PgObjectRestore objects;
    /** Per running DATA_ONLY restore: the triggers it disabled, to enable again as they were. */
    private final Map<RestorePlan, List<String>> disabledTriggers = new ConcurrentHashMap<>();
    /** Per running REPLACE restore: the foreign keys of tables left alone that reference replaced tables. */
    private final Map<RestorePlan, List<PgObjectRestore.OutsideKey>> outsideKeys =
            new ConcurrentHashMap<>();
    /** Per running restore: its context (large objects are read from it after the tables). */
    private final Map<RestorePlan, RestoreContext> contexts = new ConcurrentHashMap<>();

    private PostgresDumper(JdbcDumperOptions options, boolean binaryCopy, boolean restoreOwners,
                           boolean restorePrivileges) {
        super(NAME, PostgresDialect.INSTANCE, options);
        this.support = new PostgresSupport(PostgresDialect.INSTANCE, binaryCopy);
        this.binaryCopy = binaryCopy;
        this.restoreOwners = restoreOwners;
        this.restorePrivileges = restorePrivileges;
        this.objects = new PgObjectRestore(PostgresDialect.INSTANCE, support, restoreOwners, restorePrivileges);
    }

    /** A dumper with default options: binary COPY where it is exact. */
    public static PostgresDumper create() {
        return new PostgresDumper(JdbcDumperOptions.DEFAULTS, true, true, true);
    }

    /**
     * A dumper with the given options.
     *
     * @param binaryCopy false to dump every table in COPY's text format (portable to any PostgreSQL version and
     *                   readable with standard tools; slower)
     */
    public static PostgresDumper create(JdbcDumperOptions options, boolean binaryCopy) {
        return new PostgresDumper(Objects.requireNonNull(options, "options"), binaryCopy, true, true);
    }

    /**
     * This dumper, restoring ownership ({@code ALTER ... OWNER TO}) or not, like pg_restore's {@code --no-owner}.
     * Objects owned by the role that took the backup always go to the restoring role; with owners, an owner role
     * the target cluster lacks is skipped and logged.
     */
    public PostgresDumper restoreOwners(boolean owners) {
        return new PostgresDumper(options, binaryCopy, owners, restorePrivileges);
    }

    /** This dumper, restoring GRANTs or not, like pg_restore's {@code --no-privileges}. */
    public PostgresDumper restorePrivileges(boolean privileges) {
        return new PostgresDumper(options, binaryCopy, restoreOwners, privileges);
    }

    @Override
    protected Snapshot openSnapshot(DataSource ds, int parallelism, List<String> warnings) throws SQLException {
        return new Snapshot(support.openSnapshot(ds, parallelism));
    }

    @Override
    protected List<Table> dumpOrder(Connection c, SchemaModel model) throws SQLException {
        support.lockTables(c, model.tables());
        return support.largestFirst(c, model.tables());
    }

    @Override
    protected long dumpTable(Connection c, Table t, OutputStream out, DumpContext ctx) throws SQLException, IOException {
        if (PostgresDialect.isPartitioned(t)) {
            return 0; // its rows are in its partitions, each dumped as a table
        }
        List<Column> columns = dumpedColumns(t);
        long rows;
        if (PgLargeValues.applies(c, PostgresDialect.INSTANCE, t, columns)) {
            // bytea/text values over LargeValues.PIECE_BYTES in pieces: pgjdbc would hold such a row whole
            Map<String, Long> largest = new java.util.LinkedHashMap<>();
            rows = PgLargeValues.copyOut(c, PostgresDialect.INSTANCE, t, columns, support.binary(t), out,
                    ctx::checkCancelled, largest);
            recordLargest(ctx, t, largest);
        } else {
            rows = support.copyOut(c, t, columns, out, ctx::checkCancelled);
        }
        ctx.addRows(rows);
        return rows;
    }

    @Override
    protected String dataFormat() {
        return PostgresSupport.DATA_FORMAT;
    }

    @Override
    protected String dataExtension() {
        return "copy";
    }

    @Override
    protected Map<String, String> extraMetadata(Connection c) throws SQLException {
        return support.metadata(c);
    }

    /** Large objects, streamed into one object after the tables. */
    @Override
    protected Map<String, String> dumpOtherData(Connection c, DumpContext ctx) throws SQLException, IOException {
        List<Long> oids = PgLargeObjects.list(c);
        if (oids.isEmpty()) {
            return Map.of();
        }
        try (OutputStream out = ctx.createObject(PgLargeObjects.OBJECT, Manifest.ObjectKind.TABLE_DATA)) {
            PgLargeObjects.dump(c, oids, out, ctx::checkCancelled);
        }
        return Map.of(PgLargeObjects.META_OBJECT, ctx.objectPath(PgLargeObjects.OBJECT),
                PgLargeObjects.META_COUNT, Integer.toString(oids.size()));
    }

    /** Objects are created interleaved with the tables in pg_depend order (PgObjectRestore). */
    @Override
    protected boolean restoresObjectsItself() {
        return true;
    }

    @Override
    protected void createTables(Connection c, RestorePlan plan, List<TablePlan> tables) throws SQLException {
        objects.createPreData(c, plan, tables);
    }

    /** DATA_ONLY: the tables' user triggers are disabled for the load (as the table owner may). */
    @Override
    protected void beforeLoad(Connection c, RestorePlan plan) throws SQLException {
        if (plan.mode() == RestoreMode.DATA_ONLY) {
            disabledTriggers.put(plan, support.disableUserTriggers(c, plan));
        }
    }

    @Override
    public void afterLoad(Connection c, RestorePlan plan) throws SQLException {
        List<String> enable = disabledTriggers.remove(plan);
        if (enable != null) {
            JdbcSupport.execute(c, enable);
        }
        List<PgObjectRestore.OutsideKey> keys = outsideKeys.remove(plan);
        if (keys != null) {
            objects.recreate(c, keys);
        }
        RestoreContext ctx = contexts.get(plan);
        String lo = ctx == null ? null : ctx.database().metadata().get(PgLargeObjects.META_OBJECT);
        if (lo != null && plan.mode() != RestoreMode.MERGE && plan.tables().size()
                == plan.model().tables().size()) {
            try (InputStream in = ctx.openObject(lo)) {
                PgLargeObjects.restore(c, in, ctx::checkCancelled);
            } catch (IOException e) {
                throw new RestoreException("reading the backup's large objects failed: " + e.getMessage(), e);
            }
        }
        objects.createPostData(c, plan);
    }

    /** Partitions before the tables they belong to: a partitioned table's index then attaches theirs. */
    @Override
    protected List<TablePlan> keyOrder(RestorePlan plan) {
        Map<TablePlan, Integer> depth = PostgresStagedRestore.partitionDepths(plan);
        List<TablePlan> out = new ArrayList<>(plan.tables());
        out.sort(Comparator.comparingInt((TablePlan tp) -> depth.get(tp)).reversed());
        return out;
    }

    @Override
    protected RestorePlan plan(RestoreContext ctx, Connection c) throws SQLException {
        RestorePlan plan = super.plan(ctx, c);
        return support.remapSchemas(plan, ctx, c);
    }

    @Override
    protected void execute(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        contexts.put(plan, ctx);
        try {
            outsideKeys.put(plan, objects.outsideForeignKeys(c, plan));
            executePlan(ctx, c, plan);
        } finally {
            contexts.remove(plan);
            outsideKeys.remove(plan);
            disabledTriggers.remove(plan);
        }
    }

    private void executePlan(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        if (PostgresStagedRestore.applies(ctx, plan)) {
            try {
                if (new PostgresStagedRestore(this, PostgresDialect.INSTANCE, support, objects).restore(ctx, c, plan)) {
                    return;
                }
            } catch (RestoreException e) {
                throw new RestoreException(e.getMessage() + STAGED_DROPPED, e.getCause() == null ? e : e.getCause());
            } catch (IntegrityException e) {
                throw new IntegrityException(e.getMessage() + STAGED_DROPPED, e);
            } catch (SQLException e) {
                throw new RestoreException("restore failed: " + e.getMessage() + STAGED_DROPPED, e);
            } catch (UncheckedIOException e) {
                throw new RestoreException("reading the backup failed: " + e.getMessage() + STAGED_DROPPED, e);
            }
        }
        // the one transaction runs in the write fence's session, which holds the tables since the safety backup
        Connection fence = PgWriteFence.session(ctx);
        Connection tx = fence == null ? c : fence;
        tx.setAutoCommit(false);
        try {
            support.createTypes(tx, plan);
        } catch (SQLException | RuntimeException e) {
            tx.rollback();
            throw e;
        }
        try {
            super.execute(ctx, tx, plan);
        } catch (RestoreException e) {
            throw new RestoreException(e.getMessage() + ROLLED_BACK, e.getCause() == null ? e : e.getCause());
        } catch (IntegrityException e) {
            throw new IntegrityException(e.getMessage() + ROLLED_BACK, e);
        } catch (SQLException e) {
            throw new RestoreException("restore failed: " + e.getMessage() + ROLLED_BACK, e);
        } catch (UncheckedIOException e) {
            throw new RestoreException("reading the backup failed: " + e.getMessage() + ROLLED_BACK, e);
        }
    }

    @Override
    protected long loadTable(Connection c, TablePlan tp, InputStream in, RestoreContext ctx, Load load)
            throws SQLException, IOException {
        // the target's definitions of the backup's columns: schemas remapped, generated columns left out
        List<Column> columns = dumpedColumns(tp.target());
        if (PostgresDialect.isPartitioned(tp.target())) {
            return 0; // rows are loaded into the partitions
        }
        long rows;
        try {
            if (load == Load.UPSERT) {
                rows = support.copyInViaStage(c, tp.target(), columns, in, tp.backup().mergeKey().orElseThrow());
            } else if (load == Load.INSERT && support.typesDiffer(c, tp.target(), columns)) {
                rows = support.copyInViaStage(c, tp.target(), columns, in, null);
            } else {
                // a table created in this transaction is loaded frozen: see PostgresSupport.copyIn
                rows = support.copyIn(c, tp.target(), columns, in, load == Load.NEW_TABLE);
            }
        } catch (SQLException e) {
            long line = PostgresSupport.failedLine(e);
            throw line > 0 ? rowFailure(tp, line, "", e)
                    : new RestoreException("restoring table " + tp.targetName() + " failed: " + e.getMessage(), e);
        }
        ctx.addRows(rows);
        return rows;
    }

    /** MERGE's collision check: the backup's COPY data into a session-private table (all columns: COPY needs them). */
    @Override
    protected void stageBackupRows(RestoreContext ctx, Connection c, TablePlan tp, String name, List<String> columns)
            throws SQLException {
        try {
            support.copyIntoTemporaryTable(c, name, dumpedColumns(tp.target()), ctx, tp.entry().objects());
        } catch (IOException e) {
            throw new RestoreException("reading the backup of table " + tp.backup().qualifiedName() + " failed: "
                    + e.getMessage() + ". Nothing was changed.", e);
        }
    }

    @Override
    protected void resetCounters(Connection c, RestorePlan plan) throws SQLException {
        support.resetSequences(c, plan);
    }


    /**
     * A restore is one transaction, DDL included: when it throws, the target is as it was. (An override of the
     * SPI method of that name where the API has it.)
     */
    public boolean restoresAtomically(DataSource target) {
        return true;
    }

    /** What the server is doing for the operation's sessions, for the no-progress watchdog ({@link PgServerProgress}). */
    @Override
    public java.util.Optional<String> serverProgress(DataSource target, List<Connection> sessions) {
        return PgServerProgress.of(target, sessions);
    }

    /**
     * REPLACE and DATA_ONLY (which drop or empty the tables): writes to the replaced tables wait from before the
     * safety backup until the restore commits, reads go on ({@link PgWriteFence}); the restore's final transaction runs
     * in the fence's session. MERGE keeps the tables' rows: nothing is held back.
     */
    @Override
    public WriteFence fenceWrites(RestoreContext ctx, List<String> replacedTables) {
        return ctx.mode() == RestoreMode.MERGE || replacedTables.isEmpty() ? WriteFence.NONE
                : PgWriteFence.open(ctx.dataSource(), replacedTables);
    }

    /** A killed staged REPLACE: its staging schemas and the prerequisites it created are dropped. */
    @Override
    public void recoverAfterKill(DataSource target, Map<String, String> recoveryData) {
        PostgresStagedRestore.recoverAfterKill(target, recoveryData);
    }

    /** Drops the tables ({@code schema.table}) that exist, in one statement so references among them are no obstacle. */
    public void dropTables(DataSource target, List<String> qualifiedNames) {
        PostgresSupport.dropTables(target, qualifiedNames);
    }

    /** Registered in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory}. */
    public static final class Factory extends DumperFactory {
        public Factory() {
            super(NAME, "PostgreSQL"::equalsIgnoreCase, 10, PostgresDumper::create);
        }
    }
}
