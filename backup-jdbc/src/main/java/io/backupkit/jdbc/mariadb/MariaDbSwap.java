package io.backupkit.jdbc.mariadb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.RecoveryReport.Outcome;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.internal.CountingDigestOutputStream;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.RestorePlan;
import io.backupkit.jdbc.internal.AbstractJdbcDumper.TablePlan;
import io.backupkit.jdbc.internal.DbObjects;
import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.internal.SchemaModel.DbObject;
import io.backupkit.jdbc.internal.SchemaModel.ForeignKey;
import io.backupkit.jdbc.internal.SchemaModel.Phase;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import io.backupkit.jdbc.internal.SchemaModel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB / MySQL REPLACE as a staged swap. The backup's tables are created and loaded as
 * {@code backupkit_new_<tag>_<name>} staging tables while the target tables stay as they are (the application may
 * keep using them); then one multi-table {@code RENAME TABLE t TO backupkit_old_<tag>_t, backupkit_new_<tag>_t TO t,
 * ...} swaps all of them at once (atomic in InnoDB). A failure or kill before it leaves the target tables untouched.
 *
 * <p>After the swap, in this order, each step committing on its own (the way back is recorded in the intent record
 * before the first staging table is created, {@link Record}): the foreign keys of tables outside the restore that
 * referenced a replaced table, which InnoDB moved along with it to the old table, are re-pointed (dropped and added
 * again) to the new table; the restore's safety backup is taken from the old tables
 * ({@link RestoreContext#takeSafetyBackup}), so every row committed to them until the swap is in it; the old tables
 * are dropped (with their triggers and foreign keys, whose names the new tables need); the backup's foreign keys,
 * routines, views, triggers and events are created. Until that last step the new tables have no foreign keys or
 * triggers. Up to the safety backup the way back is the old tables (renamed back); after it, finishing the restore.
 */
final class MariaDbSwap {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbSwap.class);
    /** Recovery data key of the {@link Record}, written before anything changes. */
    static final String RECORD = "mariadb.swap";
    /** Recovery data key written once the old tables are no longer the way back (safety backup complete or none). */
    static final String OLD_RELEASED = "mariadb.swap.oldReleased";
    static final String NEW_PREFIX = "backupkit_new_";
    static final String OLD_PREFIX = "backupkit_old_";
    private static final int MAX_NAME = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One table of the swap: target {@code schema.name}, its staging name, where the target was moved (null: new). */
    record Entry(String schema, String name, String staging, String old) {
    }

    /** Statements that may run again after a kill: each drops what it creates first. Optional ones only log a failure. */
    record Unit(String what, List<String> sql, boolean optional) {
    }

    /**
     * The way back and forward of one swap, recorded before the first change.
     *
     * @param tables  the swapped tables
     * @param undo    drops what was created beside the target before the swap (sequences the staging tables need)
     * @param outside re-points the foreign keys of tables outside the restore to the tables now named as the targets
     * @param finish  the backup's objects and foreign keys, created once the old tables are gone
     * @param triggers the target's triggers on the replaced tables as their text was: re-created after the swap is
     *                undone, since RENAME TABLE rewrites the table name in a trigger's text
     */
    record Record(List<Entry> tables, List<String> undo, List<Unit> outside, List<Unit> finish, List<Unit> triggers) {
    }

    /** What the swap needs of the dumper's shared pipeline. */
    interface Steps {
        /** Creates the schemas the plan's tables live in that do not exist yet. */
        void createSchemas(Connection c, List<TablePlan> tables) throws SQLException;

        /** The table with only the foreign keys whose referenced table is restored too or exists in the target. */
        Table withResolvableForeignKeys(Connection c, Table t, RestorePlan plan) throws SQLException;

        void checkOutsideReferences(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException;

        /** Loads the staged plan's tables and builds their keys, indexes and counters. */
        void load(RestoreContext ctx, Connection c, RestorePlan staged) throws SQLException;

        /** The schema model of these existing tables, as a dump reads it. */
        SchemaModel read(Connection c, TableSelection tables) throws SQLException;

        DumpSummary dumpMovedAside(DumpContext ctx, SchemaModel model, Map<String, String> rowsFrom);
    }

    private final MariaDbDialect dialect;
    private final Steps steps;

    /** {@code steps} may be null for a recovery, which only undoes or finishes what a record names. */
    MariaDbSwap(MariaDbDialect dialect, Steps steps) {
        this.dialect = dialect;
        this.steps = steps;
    }

    /** Carries out a checked REPLACE plan as a staged swap. */
    void restore(RestoreContext ctx, Connection c, RestorePlan plan) throws SQLException {
        ctx.checkCancelled(); // last moment a cancel leaves the target untouched
        steps.checkOutsideReferences(ctx, c, plan);
        String tag = tag();
        List<Entry> entries = new ArrayList<>();
        List<TablePlan> staged = new ArrayList<>();
        for (TablePlan tp : plan.tables()) {
            Table t = tp.target();
            String staging = name(NEW_PREFIX, tag, t.name());
            entries.add(new Entry(t.schema(), t.name(), staging, tp.existing() == null ? null : name(OLD_PREFIX, tag, t.name())));
            staged.add(new TablePlan(tp.backup(), t.named(staging), null, tp.entry(), tp.rowsBefore()));
        }
        RestorePlan stagedPlan = new RestorePlan(plan.model(), staged, List.of(), List.of(), RestoreMode.REPLACE);
        Set<String> restoredTables = plan.tables().stream().map(tp -> tp.backup().qualifiedName()).collect(Collectors.toSet());
        List<DbObject> objects = DbObjects.restored(plan.model().objects(), restoredTables, ctx.tables().isAll());
        List<Table> existing = plan.tables().stream().map(TablePlan::existing).filter(t -> t != null).toList();
        List<String> schemas = plan.tables().stream().map(tp -> tp.target().schema()).distinct().toList();
        Set<String> there = new HashSet<>();
        List<Unit> triggers = new ArrayList<>();
        List<Unit> createTriggers = new ArrayList<>();
        for (DbObject o : dialect.readObjects(c, existing, schemas)) {
            there.add(o.kind() + " " + o.name()); // one database: the backup's may have another name
            if (o.kind().equals("trigger") && o.drop() != null) {
                triggers.add(new Unit("drop " + o.key(), List.of(o.drop()), false));
                createTriggers.add(new Unit(o.key(), o.create(), false));
            }
        }
        triggers.addAll(createTriggers); // all dropped first: a trigger may name another in FOLLOWS
        // a column default may use a sequence: those the target lacks are created with the staging tables
        List<DbObject> early = objects.stream().filter(o -> o.kind().equals("sequence") && !there.contains(o.kind() + " " + o.name())).toList();
        Record rec = new Record(entries, early.stream().map(DbObject::drop).toList(), outsideForeignKeys(c, entries),
                finish(c, plan, objects), triggers);
        ctx.recordRecoveryData(RECORD, json(rec));

        dialect.prepareRestoreConnection(c);
        c.setAutoCommit(true);
        dialect.setForeignKeyChecks(c, false);
        boolean released = false;
        try {
            steps.createSchemas(c, plan.tables());
            for (DbObject o : early) {
                dialect.createObject(c, o);
            }
            for (TablePlan tp : staged) {
                JdbcSupport.execute(c, dialect.createTable(tp.target()));
            }
            steps.load(ctx, c, stagedPlan);
            SchemaModel before = existing.isEmpty() ? null : steps.read(c, new TableSelection(
                    existing.stream().map(Table::qualifiedName).toList(), List.of()));
            ctx.checkCancelled();
            JdbcSupport.execute(c, rename(entries, false));
            LOG.info("swapped {} staged tables in with one RENAME TABLE", entries.size());
            run(c, rec.outside());
            Map<String, String> rowsFrom = new LinkedHashMap<>();
            entries.stream().filter(e -> e.old() != null).forEach(e -> rowsFrom.put(qualified(e.schema(), e.name()), e.old()));
            boolean safety = before != null && ctx.takeSafetyBackup(dc -> steps.dumpMovedAside(dc, before, rowsFrom));
            ctx.recordRecoveryData(OLD_RELEASED, "true");
            released = true;
            LOG.info("replaced tables {}: {}", safety ? "saved in the safety backup" : "not kept (no safety backup here)",
                    rowsFrom.keySet());
            dropOld(c, entries);
            run(c, rec.finish());
        } catch (SQLException | RuntimeException e) {
            try {
                if (released) {
                    dropOld(c, entries); // they are in the safety backup, the way back from here
                } else {
                    Outcome o = recover(c, rec, false);
                    LOG.info("the failed swap restore was undone ({}): the target tables are as they were", o);
                }
            } catch (SQLException | RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        } finally {
            try {
                if (!c.isClosed()) {
                    dialect.setForeignKeyChecks(c, true);
                }
            } catch (SQLException e) {
                LOG.warn("restoring session settings after the restore failed: {}", e.getMessage());
            }
        }
    }

    /** Recovery after a kill, from the recorded data alone; empty when no swap was recorded. */
    static Optional<Outcome> recoverAfterKill(MariaDbDialect dialect, DataSource target, Map<String, String> data) {
        String text = data.get(RECORD);
        if (text == null) {
            return Optional.empty();
        }
        Record rec;
        try {
            rec = JSON.readValue(text, Record.class);
        } catch (JsonProcessingException e) {
            throw new RestoreException("the intent record's swap data cannot be read: " + e.getMessage(), e);
        }
        try (Connection c = JdbcSupport.connect(target, "target")) {
            c.setAutoCommit(true);
            dialect.prepareRestoreConnection(c);
            dialect.setForeignKeyChecks(c, false);
            return Optional.of(new MariaDbSwap(dialect, null).recover(c, rec, "true".equals(data.get(OLD_RELEASED))));
        } catch (SQLException e) {
            throw new RestoreException("recovering the killed MariaDB swap restore failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decides from the names that exist whether the swap happened, and finishes or undoes it: staging tables left
     * (or none created yet) mean it did not, they are dropped (UNCHANGED); swapped but the old tables still needed,
     * it is renamed back (ROLLED_BACK); old tables released, the restore is finished (COMPLETED).
     */
    private Outcome recover(Connection c, Record rec, boolean released) throws SQLException {
        if (released) {
            dropOld(c, rec.tables());
            run(c, rec.finish());
            return Outcome.COMPLETED;
        }
        boolean anyStaging = false;
        boolean swapped = true;
        for (Entry e : rec.tables()) {
            anyStaging |= exists(c, e.schema(), e.staging());
            swapped &= exists(c, e.schema(), e.old() != null ? e.old() : e.name());
        }
        if (anyStaging || !swapped) {
            dropStaging(c, rec);
            return Outcome.UNCHANGED;
        }
        JdbcSupport.execute(c, rename(rec.tables(), true));
        run(c, rec.outside()); // the outside foreign keys followed the new tables: back to the old ones
        run(c, rec.triggers());
        dropStaging(c, rec);
        return Outcome.ROLLED_BACK;
    }

    private void dropStaging(Connection c, Record rec) throws SQLException {
        for (Entry e : rec.tables()) {
            JdbcSupport.execute(c, "DROP TABLE IF EXISTS " + dialect.qualify(e.schema(), e.staging()));
        }
        JdbcSupport.execute(c, rec.undo().stream().filter(s -> s != null).toList());
    }

    private void dropOld(Connection c, List<Entry> entries) throws SQLException {
        for (Entry e : entries) {
            if (e.old() != null) {
                JdbcSupport.execute(c, "DROP TABLE IF EXISTS " + dialect.qualify(e.schema(), e.old()));
            }
        }
    }

    /** The one statement of the swap (or of its undo). */
    private String rename(List<Entry> entries, boolean back) {
        List<String> parts = new ArrayList<>();
        for (Entry e : entries) {
            String t = dialect.qualify(e.schema(), e.name());
            String staging = dialect.qualify(e.schema(), e.staging());
            if (back) {
                parts.add(t + " TO " + staging);
                if (e.old() != null) {
                    parts.add(dialect.qualify(e.schema(), e.old()) + " TO " + t);
                }
            } else {
                if (e.old() != null) {
                    parts.add(t + " TO " + dialect.qualify(e.schema(), e.old()));
                }
                parts.add(staging + " TO " + t);
            }
        }
        return "RENAME TABLE " + String.join(", ", parts);
    }

    private void run(Connection c, List<Unit> units) throws SQLException {
        for (Unit u : units) {
            try {
                JdbcSupport.execute(c, u.sql());
            } catch (SQLException e) {
                if (!u.optional()) {
                    throw e;
                }
                LOG.warn("{} was not recreated: {}", u.what(), e.getMessage());
            }
        }
    }

    /**
     * Foreign keys of tables outside the restore onto a replaced table, as their server's own text (which names the
     * target table): InnoDB moves them to the old table in the swap, so each is dropped and added again after it.
     */
    private List<Unit> outsideForeignKeys(Connection c, List<Entry> entries) throws SQLException {
        Set<String> restored = entries.stream().map(e -> qualified(e.schema(), e.name())).collect(Collectors.toSet());
        Map<String, List<String>> byChild = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, "
                + "UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS "
                + "ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String child = qualified(rs.getString(1), rs.getString(2));
                String parent = qualified(rs.getString(4), rs.getString(5));
                boolean replaced = entries.stream().anyMatch(e -> e.old() != null
                        && qualified(e.schema(), e.name()).equals(parent));
                if (replaced && !restored.contains(child) && rs.getString(1).equals(rs.getString(4))) {
                    byChild.computeIfAbsent(rs.getString(1) + "\u0000" + rs.getString(2), k -> new ArrayList<>())
                            .add(rs.getString(3));
                }
            }
        }
        List<Unit> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> child : byChild.entrySet()) {
            String[] st = child.getKey().split("\u0000");
            String table = dialect.qualify(st[0], st[1]);
            String create;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + table)) {
                rs.next();
                create = rs.getString(2);
            }
            for (String fk : child.getValue()) {
                String prefix = "CONSTRAINT " + dialect.quote(fk) + " FOREIGN KEY";
                String line = Stream.of(create.split("\n")).map(String::strip).filter(l -> l.startsWith(prefix))
                        .findFirst().orElseThrow(() -> new RestoreException("foreign key " + fk + " of table " + table
                                + " is not in its SHOW CREATE TABLE; nothing was changed"));
                line = line.endsWith(",") ? line.substring(0, line.length() - 1) : line;
                out.add(new Unit("foreign key " + fk + " of " + table, List.of("ALTER TABLE " + table
                        + " DROP FOREIGN KEY IF EXISTS " + dialect.quote(fk), "ALTER TABLE " + table + " ADD " + line), false));
            }
        }
        return out;
    }

    /** What follows the old tables' drop: as the drop-and-create REPLACE did it, each unit repeatable. */
    private List<Unit> finish(Connection c, RestorePlan plan, List<DbObject> objects) throws SQLException {
        List<Unit> out = new ArrayList<>();
        List<DbObject> reverse = new ArrayList<>(objects);
        Collections.reverse(reverse);
        for (Phase phase : List.of(Phase.POST_DATA, Phase.PRE_DATA)) {
            for (DbObject o : DbObjects.inPhase(reverse, phase)) {
                if (o.drop() != null) {
                    out.add(new Unit("drop " + o.key(), List.of(o.drop()), false));
                }
            }
        }
        for (DbObject o : DbObjects.inPhase(objects, Phase.PRE_DATA)) {
            out.add(object(o));
        }
        for (TablePlan tp : plan.tables()) {
            Table t = steps.withResolvableForeignKeys(c, tp.target(), plan);
            for (ForeignKey fk : t.foreignKeys()) {
                List<String> sql = new ArrayList<>();
                if (fk.name() != null && !fk.name().isEmpty()) {
                    sql.add("ALTER TABLE " + dialect.qualify(t) + " DROP FOREIGN KEY IF EXISTS " + dialect.quote(fk.name()));
                }
                sql.addAll(dialect.addForeignKeys(new Table(t.schema(), t.name(), t.columns(), t.primaryKey(),
                        t.uniqueKeys(), List.of(fk), t.indexes(), t.checks(), t.autoIncrementNext(), t.options())));
                out.add(new Unit("foreign key " + fk.name() + " of " + t.qualifiedName(), sql, false));
            }
        }
        for (SchemaModel.View v : plan.views()) {
            List<String> sql = new ArrayList<>(dialect.dropView(v));
            sql.addAll(dialect.createView(v));
            out.add(new Unit("view " + v.qualifiedName(), sql, true));
        }
        for (DbObject o : DbObjects.inPhase(objects, Phase.POST_DATA)) {
            out.add(object(o));
        }
        return out;
    }

    private static Unit object(DbObject o) {
        List<String> sql = new ArrayList<>();
        if (o.drop() != null) {
            sql.add(o.drop());
        }
        sql.addAll(o.create());
        return new Unit(o.key(), sql, false);
    }

    private boolean exists(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                + (schema.isEmpty() ? "DATABASE()" : "?") + " AND TABLE_NAME = ?")) {
            int i = 1;
            if (!schema.isEmpty()) {
                ps.setString(i++, schema);
            }
            ps.setString(i, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** {@code prefix + tag + _ + name}, within MariaDB's 64 characters (a long name is cut and given a hash). */
    static String name(String prefix, String tag, String table) {
        String head = prefix + tag + "_";
        if (head.length() + table.length() <= MAX_NAME) {
            return head + table;
        }
        String hash = HexFormat.of().formatHex(CountingDigestOutputStream.newSha256()
                .digest(table.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        return head + table.substring(0, MAX_NAME - head.length() - 9) + "_" + hash;
    }

    private static String tag() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String qualified(String schema, String name) {
        return schema == null || schema.isEmpty() ? name : schema + "." + name;
    }

    private static String json(Record rec) {
        try {
            return JSON.writeValueAsString(rec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
