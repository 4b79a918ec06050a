package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.RestorePlan;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.TablePlan;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.DbObject;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A PostgreSQL REPLACE restore on several connections that is still all-or-nothing for everyone else, the way
 * {@code pg_restore -j} is fast but without its half-restored database after a failure.
 *
 * <ol>
 *   <li>A staging schema per target schema ({@code backupkit_restore_<random>}) is created and committed.</li>
 *   <li>Workers (the restore's parallelism) create the tables in the staging schemas and load them with COPY
 *       FREEZE, largest first, one transaction per table; as a table is loaded, its primary key, unique keys and
 *       indexes become tasks of their own: loads and index builds run side by side on separate server processes.
 *       The target is not touched: the application keeps reading its current tables; when the engine took a write
 *       fence before the safety backup ({@link PgWriteFence}), writes to them wait until the swap commits.</li>
 *   <li>One final transaction drops the replaced tables and views, recreates the standalone sequences, moves
 *       every staged table into its target schema ({@code ALTER TABLE ... SET SCHEMA}, a catalog update that
 *       carries indexes, constraints and owned sequences along), sets the column defaults, adds the foreign keys,
 *       recreates the views, sets the sequences and drops the staging schemas; in the write fence's session when there
 *       is one. Other sessions see the old tables until that commit and the restored ones after it.</li>
 * </ol>
 *
 * <p><b>Types, functions and the rest the tables need</b> (enum, domain, composite and range types, functions of
 * defaults, generated columns and checks, collations, extensions, their schemas) must exist before the staged tables
 * can be created. Each such prerequisite the target already has exactly as in the backup (the same definition,
 * read from the target's catalog the way the backup read it) is used as it is, and kept in the swap; each one the
 * target lacks is created, committed, in the same transaction that creates the staging schemas, and dropped again
 * if the restore fails. When the target has one of them with another definition (an enum with other labels), the
 * swap would have to replace an object the staged tables already use: such a restore runs in one transaction
 * instead, and the log says why. Every other object of the backup is dropped and re-created in the final
 * transaction, as the single-transaction path does.
 *
 * <p><b>Partitions and inheritance</b>: the tables of a hierarchy are created in the staging schemas, parents
 * first, before the loads (a worker creating a partition would hold its parent's lock for the whole load); each is
 * then emptied and loaded frozen in its worker's transaction. The keys and indexes of a partitioned table are built
 * after every partition's, so they attach the partitions' indexes as in the single transaction.
 *
 * <p>On any failure the staging schemas (and the prerequisites the restore created) are dropped and the target is
 * exactly as it was. Before creating them the restore records their names ({@link RestoreContext#recordRecoveryData}
 * under {@link #RECOVERY_STAGING} and {@link #RECOVERY_CREATED}), so that recovery after a killed restore
 * ({@link #recoverAfterKill}) drops them once the restore is known dead.
 *
 * <p>Used for REPLACE restores of several tables when the restore may use more than one connection; the
 * single-transaction path handles everything else (one connection, one table, a selective restore whose tables
 * need tables left out, a backup of format 1 with its own type records).
 */
final class PostgresStagedRestore {
    /** Prefix of the staging schemas. */
    public static final String STAGING_PREFIX = "backupkit_restore_";
    /** Recovery data: the staging schemas of the restore, comma-separated. */
    public static final String RECOVERY_STAGING = "postgresql.stagingSchemas";
    /** Recovery data: DROP statements of the prerequisites the restore created, one a line, last created first. */
    public static final String RECOVERY_CREATED = "postgresql.createdPrerequisites";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStagedRestore.class);

    private final AbstractJdbcDumper dumper;
    private final PostgresDialect dialect;
    private final PostgresSupport support;
    private final PgObjectRestore objects;

    public PostgresStagedRestore(AbstractJdbcDumper dumper, PostgresDialect dialect, PostgresSupport support,
                                 PgObjectRestore objects) {
        this.dumper = dumper;
        this.dialect = dialect;
        this.support = support;
        this.objects = objects;
    }

    /** Whether the plan may be restored this way (the target's prerequisites are checked by {@link #restore}). */
    public static boolean applies(RestoreContext ctx, RestorePlan plan) {
        return plan.mode() == RestoreMode.REPLACE && ctx.parallelism() > 1
                && plan.tables().stream().filter(tp -> tp.entry().rows() > 0).count() > 1
                && plan.model().types().isEmpty()
                && whyNotStaged(plan) == null;
    }

    /** Why the backup's tables cannot be created in staging schemas, or null when they can. */
    static String whyNotStaged(RestorePlan plan) {
        Map<String, TablePlan> byName = byCatalogName(plan);
        Map<String, DbObject> byKey = objectsByKey(plan);
        for (TablePlan tp : plan.tables()) {
            Set<String> parentKeys = new HashSet<>();
            for (String parent : parents(tp.target())) {
                TablePlan p = byName.get(parent);
                if (p == null) {
                    return "table " + tp.targetName() + " belongs to " + parent + ", which is not restored";
                }
                parentKeys.add(PgObjectReader.tableKey(p.backup().schema(), p.backup().name()));
            }
            for (String key : dependsOn(tp.backup())) {
                if (key.startsWith("table ") ? !parentKeys.contains(key) : !byKey.containsKey(key)) {
                    return "table " + tp.targetName() + " needs " + key + " first";
                }
                if (!key.startsWith("table ")) {
                    String table = tableInClosure(byKey, key);
                    if (table != null) {
                        return "table " + tp.targetName() + " needs " + key + ", which needs " + table;
                    }
                }
            }
        }
        return null;
    }

    private static Map<String, TablePlan> byCatalogName(RestorePlan plan) {
        Map<String, TablePlan> out = new HashMap<>();
        for (TablePlan tp : plan.tables()) {
            out.put(PostgresDialect.catalogName(tp.target()), tp);
        }
        return out;
    }

    private static Map<String, DbObject> objectsByKey(RestorePlan plan) {
        Map<String, DbObject> out = new LinkedHashMap<>();
        for (DbObject o : plan.model().objects()) {
            if (o.phase() == SchemaModel.Phase.PRE_DATA) {
                out.putIfAbsent(o.key(), o);
            }
        }
        return out;
    }

    /** The partitioned table or inheritance parents of a table, as the catalog names them. */
    private static List<String> parents(Table t) {
        String partitionOf = PostgresDialect.partitionParent(t);
        if (partitionOf != null) {
            return List.of(partitionOf);
        }
        String inherits = t.options().get(PgCatalogReader.OPTION_INHERITS);
        return inherits == null ? List.of() : List.of(inherits.split(", "));
    }

    private static boolean inHierarchy(Table t, Set<String> parentNames) {
        return !parents(t).isEmpty() || parentNames.contains(PostgresDialect.catalogName(t));
    }

    /** The recorded dependencies of a table other than its schema. */
    private static List<String> dependsOn(Table t) {
        return Arrays.stream(t.options().getOrDefault(PgObjectReader.OPTION_DEPENDS_ON, "").split("\n"))
                .filter(k -> !k.isEmpty() && !k.startsWith("schema ")).toList();
    }

    /** A table some object in the key's dependency closure needs, or null. */
    private static String tableInClosure(Map<String, DbObject> byKey, String key) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(key));
        while (!todo.isEmpty()) {
            String k = todo.remove(todo.size() - 1);
            if (k.startsWith("table ")) {
                return k;
            }
            DbObject o = byKey.get(k);
            if (seen.add(k) && o != null) {
                todo.addAll(o.dependsOn());
            }
        }
        return null;
    }

    /** The pre-data objects the staged tables need, with everything they need, in dependency order. */
    private static List<DbObject> prerequisites(RestorePlan plan) {
        Map<String, DbObject> byKey = objectsByKey(plan);
        Set<DbObject> closure = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>();
        plan.tables().forEach(tp -> todo.addAll(dependsOn(tp.backup())));
        // extensions bring operator classes the keys and indexes may use (backups taken before the indexes'
        // dependencies were recorded do not say which)
        plan.model().objects().stream().filter(o -> o.kind().equals("extension")).forEach(o -> todo.add(o.key()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String k = todo.remove(todo.size() - 1);
            DbObject o = byKey.get(k);
            if (seen.add(k) && o != null) {
                closure.add(o);
                todo.addAll(o.dependsOn());
            }
        }
        List<DbObject> ordered = new ArrayList<>(plan.model().objects());
        ordered.retainAll(closure);
        return PgObjectRestore.dependencyOrder(ordered);
    }

    /** What the target has of the prerequisites: the ones it has as the backup, and the ones it lacks. */
    private record Prerequisites(Set<DbObject> existing, List<DbObject> missing) {
    }

    /** The prerequisites compared with the target's catalog, or null (logged) when one differs. */
    private Prerequisites comparePrerequisites(Connection c, RestorePlan plan) throws SQLException {
        List<DbObject> needed = prerequisites(plan);
        Set<DbObject> existing = new LinkedHashSet<>();
        List<DbObject> missing = new ArrayList<>();
        if (needed.isEmpty()) {
            return new Prerequisites(existing, missing);
        }
        Map<String, List<String>> target = new HashMap<>();
        for (DbObject o : PgCatalogReader.withEmptySearchPath(c, () -> new PgObjectReader(c).read())) {
            if (o.phase() == SchemaModel.Phase.PRE_DATA) {
                target.putIfAbsent(o.key(), definition(o.create(), Map.of()));
            }
        }
        Map<String, String> map = PgObjectRestore.schemaMap(plan);
        for (DbObject o : needed) {
            String name = support.rename(o.name(), map);
            List<String> there = target.get(o.kind() + " " + (o.schema().isEmpty() ? name
                    : map.getOrDefault(o.schema(), o.schema()) + "." + name));
            if (there == null) {
                if (dropOf(o) == null) {
                    LOG.info("restoring in one transaction: the staged tables need {} {}, which the target lacks and"
                            + " a failed restore could not drop again", o.kind(), o.name());
                    return null;
                }
                missing.add(o);
            } else if (there.equals(definition(o.create(), map))) {
                existing.add(o);
            } else {
                LOG.info("restoring in one transaction: the target's {} {} differs from the backup's, and the staged"
                        + " tables would need the backup's before the swap", o.kind(), o.name());
                return null;
            }
        }
        return new Prerequisites(existing, missing);
    }

    /** An object's definition without ownership (the restoring role may differ), schemas renamed as restored. */
    private List<String> definition(List<String> create, Map<String, String> map) {
        return create.stream().filter(sql -> !sql.contains(" OWNER TO ")).map(sql -> support.rename(sql, map)).toList();
    }

    /** How to drop a prerequisite the restore created, or null. */
    private String dropOf(DbObject o) {
        return switch (o.kind()) {
            case "schema" -> "DROP SCHEMA IF EXISTS " + dialect.quote(o.name());
            case "extension" -> "DROP EXTENSION IF EXISTS " + dialect.quote(o.name());
            default -> o.drop();
        };
    }

    /**
     * Restores the plan; on failure the target is as it was and the exception says so. Returns false, having changed
     * nothing, when the target has a prerequisite of the staged tables with another definition than the backup's.
     */
    public boolean restore(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        ctx.checkCancelled(); // last moment a cancel leaves the target untouched
        warnAboutLeftovers(c);
        c.setAutoCommit(true);
        Prerequisites prerequisites = comparePrerequisites(c, plan);
        if (prerequisites == null) {
            return false;
        }
        Map<String, String> staging = new LinkedHashMap<>(); // target schema -> staging schema
        String suffix = Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        for (TablePlan tp : plan.tables()) {
            staging.computeIfAbsent(tp.target().schema(), s -> STAGING_PREFIX + suffix + "_" + staging.size());
        }
        List<String> drops = new ArrayList<>();
        for (DbObject o : prerequisites.missing()) {
            drops.add(0, dropOf(o));
        }
        // recorded before anything exists, so that recovery after a kill finds what to drop
        ctx.recordRecoveryData(RECOVERY_STAGING, String.join(",", staging.values()));
        if (!drops.isEmpty()) {
            ctx.recordRecoveryData(RECOVERY_CREATED, String.join("\n", drops));
        }
        boolean created = false;
        try {
            createStaging(c, plan, staging, prerequisites.missing());
            created = true;
            LOG.info("restoring {} tables on {} connections through staging schemas {}{}", plan.tables().size(),
                    Math.min(ctx.parallelism(), plan.tables().size()), staging.values(),
                    prerequisites.missing().isEmpty() && prerequisites.existing().isEmpty() ? ""
                            : " (prerequisites created: " + prerequisites.missing().size() + ", kept as they are: "
                            + prerequisites.existing().size() + ")");
            loadStaged(ctx, c, plan, staging);
            Set<DbObject> kept = new HashSet<>(prerequisites.existing());
            kept.addAll(prerequisites.missing()); // created committed: as the backup has them
            // in the write fence's session when the engine holds back writes: no write lands between the safety
            // backup's snapshot and the swap, and the writers that waited go on with the restored tables
            Connection fence = PgWriteFence.session(ctx);
            publish(ctx, fence == null ? c : fence, plan, staging, kept);
            return true;
        } catch (SQLException | RuntimeException e) {
            if (created) {
                dropStaging(c, staging.values(), drops, e);
            }
            throw e;
        }
    }

    /**
     * One committed transaction: the staging schemas, the prerequisites the target lacks (functions with
     * {@code check_function_bodies = off}), and the tables of partition and inheritance hierarchies, parents first.
     */
    private void createStaging(Connection c, RestorePlan plan, Map<String, String> staging, List<DbObject> missing)
            throws SQLException {
        JdbcSupport.inTransaction(c, () -> {
            for (String schema : staging.values()) {
                JdbcSupport.execute(c, "CREATE SCHEMA " + dialect.quote(schema));
            }
            JdbcSupport.execute(c, "SET LOCAL check_function_bodies = off");
            for (DbObject o : missing) {
                objects.createObject(c, plan, o);
            }
            for (TablePlan tp : hierarchyParentsFirst(plan)) {
                JdbcSupport.execute(c, dialect.createTable(staged(tp.target(), staging)));
            }
        });
    }

    /** The tables of partition and inheritance hierarchies, each after its parents. */
    private static List<TablePlan> hierarchyParentsFirst(RestorePlan plan) {
        Set<String> parentNames = new HashSet<>();
        plan.tables().forEach(tp -> parentNames.addAll(parents(tp.target())));
        Map<String, TablePlan> byName = byCatalogName(plan);
        List<TablePlan> out = new ArrayList<>();
        Set<TablePlan> done = new HashSet<>();
        for (TablePlan tp : plan.tables()) {
            if (inHierarchy(tp.target(), parentNames)) {
                addParentsFirst(tp, byName, done, out);
            }
        }
        return out;
    }

    private static void addParentsFirst(TablePlan tp, Map<String, TablePlan> byName, Set<TablePlan> done,
                                        List<TablePlan> out) {
        if (!done.add(tp)) {
            return;
        }
        for (String parent : parents(tp.target())) {
            addParentsFirst(byName.get(parent), byName, done, out);
        }
        out.add(tp);
    }

    /** The table as it is created in its staging schema: no foreign keys, only the defaults that own a sequence. */
    private Table staged(Table t, Map<String, String> stagingSchemas) {
        String schema = stagingSchemas.get(t.schema());
        List<Column> columns = new ArrayList<>();
        for (Column col : t.columns()) {
            columns.add(keepsDefault(col) ? col : new Column(col.name(), col.nativeType(), col.jdbcType(), col.size(),
                    col.scale(), col.nullable(), null, col.identity(), col.generated(), col.valueType()));
        }
        // an identity's sequence is created in the staging schema too and moves with the table
        Map<String, String> options = new LinkedHashMap<>();
        String from = "SEQUENCE NAME " + PostgresSupport.quoteIdentLikePostgres(t.schema()) + ".";
        t.options().forEach((k, v) -> options.put(k, k.endsWith(".identity") && v.startsWith(from)
                ? "SEQUENCE NAME " + dialect.quote(schema) + "." + v.substring(from.length()) : v));
        // a partition or inheritance child names its parents in their staging schemas
        for (String key : List.of(PgCatalogReader.OPTION_PARTITION_OF, PgCatalogReader.OPTION_INHERITS)) {
            String parents = options.get(key);
            if (parents != null) {
                List<String> staged = new ArrayList<>();
                for (String parent : parents.split(", ")) {
                    staged.add(stagedName(parent, stagingSchemas));
                }
                options.put(key, String.join(", ", staged));
            }
        }
        return new Table(schema, t.name(), columns, t.primaryKey(), t.uniqueKeys(), List.of(), t.indexes(), t.checks(),
                t.autoIncrementNext(), options);
    }

    /** A table's catalog name ({@code schema.name} as quote_ident spells both) in its staging schema. */
    private String stagedName(String catalogName, Map<String, String> stagingSchemas) {
        for (Map.Entry<String, String> e : stagingSchemas.entrySet()) {
            String prefix = PostgresSupport.quoteIdentLikePostgres(e.getKey()) + ".";
            if (catalogName.startsWith(prefix)) {
                return dialect.quote(e.getValue()) + "." + catalogName.substring(prefix.length());
            }
        }
        throw new IllegalStateException("no staging schema for " + catalogName);
    }

    /**
     * Serial and identity columns create their sequence with the table and take it along to the target schema;
     * any other default may name objects (a standalone sequence) that only the final transaction creates.
     */
    private static boolean keepsDefault(Column col) {
        return col.identity() != Identity.NONE || col.isGenerated();
    }

    /**
     * Runs the loads (largest first) and then, as each table is loaded, its key and index builds as separate tasks,
     * each in its own transaction, so a free worker builds another table's indexes while a large table still
     * loads. Measured on the benchmark's 1.3 GB database: with one task per table (load + all its indexes) one
     * worker sat idle for 3.4 s of 11.2 s waiting for the other's index builds.
     */
    private void loadStaged(RestoreContext ctx, Connection c, RestorePlan plan, Map<String, String> staging)
            throws SQLException {
        Set<TablePlan> created = new HashSet<>(hierarchyParentsFirst(plan));
        // a partitioned table's keys and indexes attach its partitions' ones: built after all of them
        List<Build> partitioned = new ArrayList<>();
        List<TablePlan> order = new ArrayList<>(plan.tables());
        order.sort(Comparator.comparingLong((TablePlan tp) -> contentSize(ctx, tp)).reversed());
        ConcurrentLinkedQueue<TablePlan> loads = new ConcurrentLinkedQueue<>(order);
        LinkedBlockingQueue<Build> builds = new LinkedBlockingQueue<>();
        AtomicInteger loadsLeft = new AtomicInteger(order.size());
        int workers = Math.min(ctx.parallelism(), order.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        JdbcSupport.runRestoreWorkers(workers, ctx, dialect, failure, wc -> {
            while (failure.get() == null) {
                ctx.checkCancelled();
                Build build = builds.poll();
                TablePlan tp = build == null ? loads.poll() : null;
                if (build == null && tp == null) {
                    if (loadsLeft.get() == 0 && builds.isEmpty()) {
                        return;
                    }
                    build = builds.poll(20, TimeUnit.MILLISECONDS);
                    if (build == null) {
                        continue;
                    }
                }
                if (build != null) {
                    build(wc, build);
                } else {
                    Table staged = staged(tp.target(), staging);
                    load(ctx, wc, tp, staged, created.contains(tp));
                    for (String sql : dialect.createKeysAndIndexes(staged)) {
                        if (PostgresDialect.isPartitioned(staged)) {
                            synchronized (partitioned) {
                                partitioned.add(new Build(tp, sql));
                            }
                        } else {
                            builds.add(new Build(tp, sql));
                        }
                    }
                    loadsLeft.decrementAndGet();
                }
            }
        });
        // sub-partitioned tables before the tables they belong to, as in the single transaction
        Map<TablePlan, Integer> depth = partitionDepths(plan);
        partitioned.sort(Comparator.comparingInt((Build b) -> depth.get(b.table())).reversed());
        for (Build b : partitioned) {
            ctx.checkCancelled();
            build(c, b);
        }
        for (TablePlan tp : order) {
            ctx.tableDone(tp.targetName());
        }
    }

    /** Per table of the plan, its depth in its partition tree (1 for a table that is no partition). */
    public static Map<TablePlan, Integer> partitionDepths(RestorePlan plan) {
        Map<TablePlan, Integer> depth = new HashMap<>();
        Map<String, TablePlan> byName = byCatalogName(plan);
        for (TablePlan tp : plan.tables()) {
            int d = 0;
            for (TablePlan p = tp; p != null && d < 100; d++) {
                String parent = PostgresDialect.partitionParent(p.target());
                p = parent == null ? null : byName.get(parent);
            }
            depth.put(tp, d);
        }
        return depth;
    }

    /** A primary key, unique key or index of a loaded staged table. */
    private record Build(TablePlan table, String sql) {
    }

    private static long contentSize(RestoreContext ctx, TablePlan tp) {
        long size = 0;
        for (String path : tp.entry().objects()) {
            size += Math.max(0, ctx.objectSize(path));
        }
        return size;
    }

    /**
     * Creates (or, created with its hierarchy, empties) and loads (frozen) one staged table in its own transaction.
     * A partitioned table holds no rows of its own.
     */
    private void load(RestoreContext ctx, Connection wc, TablePlan tp, Table staged, boolean exists)
            throws SQLException {
        if (PostgresDialect.isPartitioned(staged)) {
            return;
        }
        // COPY FREEZE needs the table created or emptied in the same transaction
        long rows = JdbcSupport.inTransaction(wc, () -> {
            if (exists) {
                JdbcSupport.execute(wc, "TRUNCATE ONLY " + dialect.qualify(staged));
            } else {
                JdbcSupport.execute(wc, dialect.createTable(staged));
            }
            List<Column> columns = AbstractJdbcDumper.dumpedColumns(staged);
            long copied = 0;
            for (String path : tp.entry().objects()) {
                try (InputStream in = ctx.openObject(path)) {
                    copied += support.copyIn(wc, staged, columns, in, true);
                } catch (IOException e) {
                    throw new RestoreException("reading the backup of table " + tp.backup().qualifiedName()
                            + " failed: " + e.getMessage(), e);
                } catch (SQLException e) {
                    long line = PostgresSupport.failedLine(e);
                    throw line > 0 ? AbstractJdbcDumper.rowFailure(tp, line, "", e)
                            : new RestoreException("restoring table " + tp.targetName() + " failed: " + e.getMessage(), e);
                }
            }
            if (copied != tp.entry().rows()) {
                throw new IntegrityException("table " + tp.backup().qualifiedName() + ": the backup holds " + copied
                        + " rows but the manifest records " + tp.entry().rows());
            }
            return copied;
        });
        ctx.addRows(rows);
    }

    private void build(Connection wc, Build build) throws SQLException {
        wc.setAutoCommit(true);
        try {
            JdbcSupport.execute(wc, build.sql());
        } catch (SQLException e) {
            throw new RestoreException("building the keys and indexes of table " + build.table().targetName()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** The one transaction that swaps the staged tables in. */
    private void publish(RestoreContext ctx, Connection c, RestorePlan plan, Map<String, String> staging,
                         Set<DbObject> kept) throws SQLException {
        ctx.checkCancelled(); // the last moment a cancel leaves the target untouched
        JdbcSupport.inTransaction(c, () -> {
            dumper.createSchemas(c, plan.tables());
            dumper.dropReplacedObjects(c, plan);
            for (TablePlan tp : plan.tables()) {
                Table t = tp.target();
                JdbcSupport.execute(c, "ALTER TABLE " + dialect.qualify(staging.get(t.schema()), t.name())
                        + " SET SCHEMA " + dialect.quote(t.schema()));
                for (Column col : t.columns()) {
                    if (!keepsDefault(col) && col.defaultValue() != null) {
                        JdbcSupport.execute(c, "ALTER TABLE " + dialect.qualify(t) + " ALTER COLUMN "
                                + dialect.quote(col.name()) + " SET DEFAULT " + col.defaultValue());
                    }
                }
            }
            for (TablePlan tp : plan.tables()) {
                JdbcSupport.execute(c, dialect.addForeignKeys(dumper.withResolvableForeignKeys(c, tp.target(), plan)));
            }
            for (SchemaModel.View v : plan.views()) {
                JdbcSupport.execute(c, dialect.createView(v));
            }
            // the backup's other objects, around the tables; the prerequisites the staged tables use stay
            objects.createPreData(c, plan, List.of(), kept);
            dumper.afterLoad(c, plan); // triggers, policies, comments, grants, large objects ...
            support.resetSequences(c, plan);
            for (String schema : staging.values()) {
                JdbcSupport.execute(c, "DROP SCHEMA " + dialect.quote(schema));
            }
        });
    }

    private void dropStaging(Connection c, Collection<String> schemas, List<String> createdDrops,
                             Exception cause) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            dropStaging(c, schemas, createdDrops);
        } catch (SQLException e) {
            LOG.warn("could not drop the staging schemas {} of the failed restore: {} (drop them with DROP SCHEMA ..."
                    + " CASCADE; the restored tables were not touched)", schemas, e.getMessage());
            cause.addSuppressed(e);
        }
    }

    /** In one transaction: the staging schemas with what is in them, then the prerequisites the restore created. */
    private static void dropStaging(Connection c, Collection<String> schemas, List<String> createdDrops)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            for (String schema : schemas) {
                JdbcSupport.execute(c, "DROP SCHEMA IF EXISTS " + PostgresDialect.INSTANCE.quote(schema) + " CASCADE");
            }
            JdbcSupport.execute(c, createdDrops);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Recovery after a killed staged restore (called once it is known dead): while its staging schemas exist the
     * swap did not commit, so they are dropped with the prerequisites it created; once they are gone the swap
     * committed (it drops them) and those prerequisites belong to the restored database.
     */
    public static void recoverAfterKill(DataSource target, Map<String, String> data) {
        String names = data.get(RECOVERY_STAGING);
        if (names == null || names.isEmpty()) {
            return;
        }
        List<String> schemas = List.of(names.split(","));
        try (Connection c = JdbcSupport.connect(target, "target")) {
            List<String> left = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT nspname FROM pg_namespace WHERE nspname = ANY (?) ORDER BY 1")) {
                ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        left.add(rs.getString(1));
                    }
                }
            }
            if (left.isEmpty()) {
                return; // never created, or the swap committed
            }
            String created = data.getOrDefault(RECOVERY_CREATED, "");
            dropStaging(c, left, created.isEmpty() ? List.of() : List.of(created.split("\n")));
            LOG.info("dropped the staging schemas {} of a killed restore{}", left, created.isEmpty() ? ""
                    : " and the prerequisites it had created");
        } catch (SQLException e) {
            throw new RestoreException("dropping the staging schemas " + schemas + " of a killed restore failed: "
                    + e.getMessage() + ". Drop them with DROP SCHEMA ... CASCADE", e);
        }
    }

    private void warnAboutLeftovers(Connection c) throws SQLException {
        List<String> left = new ArrayList<>();
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname"
                + " LIKE '" + STAGING_PREFIX.replace("_", "\\_") + "%' ORDER BY 1")) {
            while (rs.next()) {
                left.add(rs.getString(1));
            }
        }
        if (!left.isEmpty()) {
            LOG.warn("schemas {} were left by restores that were killed (or run right now by another process): "
                    + "when no restore is running, drop them with DROP SCHEMA ... CASCADE", left);
        }
    }
}
