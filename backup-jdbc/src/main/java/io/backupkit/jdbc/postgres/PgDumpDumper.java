package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.DumperFactory;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreResult.TableChange;
import io.backupkit.api.TableSelection;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.JdbcSupport;
import io.backupkit.jdbc.NativeToolBuilder;
import io.backupkit.jdbc.internal.NativeTool;
import io.backupkit.jdbc.internal.NativeToolDumper;
import io.backupkit.jdbc.internal.NativeToolSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * PostgreSQL through its own tools, for full fidelity (functions, triggers, grants... everything pg_dump knows):
 * {@code pg_dump -Fc} streams into one backup object, {@code pg_restore --single-transaction} reads it back. Used
 * when configured and the tools are installed. The rows per table in the manifest are counted in the very snapshot
 * pg_dump reads ({@code --snapshot}).
 *
 * <p>The password goes through a 0600 {@code PGPASSFILE} deleted afterwards, never the command line or
 * {@code PGPASSWORD}; the tools' stdout and stderr are read concurrently; a non-zero exit code fails with the tail of
 * stderr; a timeout kills a tool that hangs. Host, port, database and user come from the {@link DataSource}'s
 * connection. Restore supports REPLACE of the whole backup (or of the included tables) into a database of the same
 * schema names.
 */
public final class PgDumpDumper extends NativeToolDumper {
    /** The dumper's name, recorded in manifests. */
    public static final String NAME = "pg_dump";
    static final String OBJECT = "pg_dump.custom";
    private static final Pattern URL = Pattern.compile("^jdbc:postgresql://([^/:?]+|\\[[^]]+])(?::(\\d+))?/([^?]*).*$");

    private PgDumpDumper(NativeToolSettings tools) {
        super(tools);
    }

    /** Configures a {@link PgDumpDumper}: where pg_dump and pg_restore are, the password, the timeout. */
    public static NativeToolBuilder<PgDumpDumper> builder() {
        return new NativeToolBuilder<>(PgDumpDumper::new);
    }

    /** Whether pg_dump can be found (in the configured directory or on the PATH). */
    public boolean isInstalled() {
        return tools.find("pg_dump").isPresent();
    }

    @Override
    public String name() {
        return NAME;
    }

    private record Target(String host, int port, String database, String user) {
    }

    private static Target target(Connection c) throws SQLException {
        Matcher m = URL.matcher(c.getMetaData().getURL());
        if (!m.matches()) {
            throw new ConfigurationException("pg_dump needs a jdbc:postgresql://host[:port]/database URL, not "
                    + JdbcSupport.redactUrl(c.getMetaData().getURL()));
        }
        return new Target(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), m.group(3),
                c.getMetaData().getUserName());
    }

    /** One PGPASSFILE line: {@code host:port:database:user:password}, with {@code :} and {@code \} escaped. */
    private String passfileLine(Target t) {
        return String.join(":", esc(t.host()), Integer.toString(t.port()), esc(t.database()), esc(t.user()),
                esc(tools.password())) + "\n";
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace(":", "\\:");
    }

    private List<String> connectionArgs(Target t) {
        return List.of("--no-password", "--host=" + t.host(), "--port=" + t.port(), "--username=" + t.user(),
                "--dbname=" + t.database());
    }

    @Override
    public DumpSummary dump(DumpContext ctx) {
        String pgDump = tools.find("pg_dump").orElseThrow(() -> new ConfigurationException("pg_dump is not"
                + " installed: install the PostgreSQL client tools (Debian: postgresql-client) or configure their"
                + " directory"));
        try (Connection c = JdbcSupport.connect(ctx.dataSource(), "source")) {
            PostgresDialect.INSTANCE.beginSnapshot(c);
            String snapshot = single(c, "SELECT pg_export_snapshot()");
            Target target = target(c);
            List<Manifest.TableEntry> tables = countTables(c, ctx.tables());
            List<String> args = new ArrayList<>(List.of(pgDump, "--format=custom", "--snapshot=" + snapshot));
            args.addAll(connectionArgs(target));
            if (!ctx.tables().isAll()) {
                for (Manifest.TableEntry t : tables) {
                    args.add("--table=" + PostgresDialect.INSTANCE.qualify(t.schema(), t.name()));
                }
                if (tables.isEmpty()) {
                    throw new ConfigurationException("the table selection matches no table");
                }
            }
            Path passfile = NativeTool.secretFile("pgpass", passfileLine(target));
            dumpInto(ctx, OBJECT, args, Map.of("PGPASSFILE", passfile.toString()), passfile);
            Map<String, String> version = Map.of("serverVersionNum", single(c, "SHOW server_version_num"));
            c.rollback();
            return summary(ctx, c, "PostgreSQL " + c.getMetaData().getDatabaseProductVersion(), OBJECT, tables,
                    "pg_dump custom", version, List.of());
        } catch (SQLException | IOException e) {
            throw dumpFailed(e);
        }
    }

    /** The selected tables with their row counts, in the dump's snapshot; exact includes must match. */
    private static List<Manifest.TableEntry> countTables(Connection c, TableSelection selection) throws SQLException {
        List<Manifest.TableEntry> out = new ArrayList<>();
        List<String[]> all = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                        + " AND n.nspname !~ '^pg_' ORDER BY 1, 2")) {
            while (rs.next()) {
                all.add(new String[]{rs.getString(1), rs.getString(2)});
            }
        }
        for (String include : selection.exactIncludes()) {
            if (all.stream().noneMatch(t -> TableSelection.matchesOne(include, t[0], t[1]))) {
                throw new ConfigurationException("no table named " + include + " in the database");
            }
        }
        for (String[] t : all) {
            if (selection.matches(t[0], t[1])) {
                out.add(new Manifest.TableEntry(t[0], t[1], Long.parseLong(single(c, "SELECT count(*) FROM "
                        + PostgresDialect.INSTANCE.qualify(t[0], t[1]))), List.of()));
            }
        }
        return out;
    }

    @Override
    public List<TableChange> preview(RestoreContext ctx) {
        check(ctx);
        try (Connection c = JdbcSupport.connect(ctx.dataSource(), "target")) {
            List<TableChange> out = new ArrayList<>();
            for (Manifest.TableEntry t : selected(ctx)) {
                out.add(new TableChange(t.qualifiedName(), rowsOrMissing(c, t), t.rows()));
            }
            return out;
        } catch (SQLException e) {
            throw restoreFailed(e);
        }
    }

    @Override
    public List<TableChange> restore(RestoreContext ctx) {
        String pgRestore = check(ctx);
        String path = objectPath(ctx);
        try (Connection c = JdbcSupport.connect(ctx.dataSource(), "target")) {
            List<Manifest.TableEntry> tables = selected(ctx);
            Map<Manifest.TableEntry, Long> before = new LinkedHashMap<>();
            for (Manifest.TableEntry t : tables) {
                before.put(t, rowsOrMissing(c, t));
            }
            Target target = target(c);
            List<String> args = new ArrayList<>(List.of(pgRestore, "--single-transaction",
                    "--exit-on-error", "--clean", "--if-exists", "--no-owner"));
            args.addAll(connectionArgs(target));
            if (!ctx.tables().isAll()) {
                for (Manifest.TableEntry t : tables) {
                    args.add("--table=" + t.name());
                }
            }
            Path passfile = NativeTool.secretFile("pgpass", passfileLine(target));
            restoreFrom(ctx, path, args, Map.of("PGPASSFILE", passfile.toString()), passfile);
            List<TableChange> out = new ArrayList<>();
            for (Manifest.TableEntry t : tables) {
                long after = rowsOrMissing(c, t);
                if (after != t.rows()) {
                    throw new RestoreException("table " + t.qualifiedName() + " has " + after + " rows after"
                            + " pg_restore but the backup recorded " + t.rows());
                }
                out.add(restored(ctx, t.qualifiedName(), t.qualifiedName(), before.get(t), after));
            }
            return out;
        } catch (SQLException | IOException e) {
            throw restoreFailed(e);
        }
    }

    /** Refuses what pg_restore cannot do before anything is touched; the pg_restore to run. */
    private String check(RestoreContext ctx) {
        if (ctx.mode() != RestoreMode.REPLACE) {
            throw new UnsupportedBackupException("a pg_dump backup restores with REPLACE only (pg_restore --clean);"
                    + " restore a COPY backup (PostgresDumper) for " + ctx.mode() + ". Nothing was changed.");
        }
        if (ctx.schemaMapping().entrySet().stream().anyMatch(e -> !e.getKey().equals(e.getValue()))) {
            throw new UnsupportedBackupException("a pg_dump backup cannot be restored under other schema names;"
                    + " use a COPY backup (PostgresDumper) for schema remapping. Nothing was changed.");
        }
        return tools.find("pg_restore").orElseThrow(() -> new ConfigurationException("pg_restore is not installed:"
                + " install the PostgreSQL client tools (Debian: postgresql-client) or configure their directory."
                + " Nothing was changed."));
    }

    /** pg_restore runs with --single-transaction: when it fails, the target is as it was. */
    public boolean restoresAtomically(DataSource target) {
        return true;
    }

    /** Drops the tables ({@code schema.table}) that exist, in one statement. */
    public void dropTables(DataSource target, List<String> qualifiedNames) {
        PostgresSupport.dropTables(target, qualifiedNames);
    }

    private static List<Manifest.TableEntry> selected(RestoreContext ctx) {
        TableSelection sel = ctx.tables();
        for (String include : sel.exactIncludes()) {
            if (ctx.database().tables().stream().noneMatch(t -> TableSelection.matchesOne(include, t.schema(),
                    t.name()))) {
                throw new ConfigurationException("the backup has no table named " + include);
            }
        }
        return ctx.database().tables().stream().filter(t -> sel.matches(t.schema(), t.name())).toList();
    }

    private static long rowsOrMissing(Connection c, Manifest.TableEntry t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, PostgresDialect.INSTANCE.qualify(t.schema(), t.name()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return -1;
                }
            }
        }
        return Long.parseLong(single(c, "SELECT count(*) FROM " + PostgresDialect.INSTANCE.qualify(t.schema(),
                t.name())));
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Registered in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory} so that a backup whose
     * manifest names this dumper restores without configuring it; never chosen for a new backup from the database's
     * metadata ({@link #supports} is false): a backup uses it only when it is configured. Created this way it has
     * no password (only trust or peer authentication gets in); configure a {@link PgDumpDumper} with
     * {@link NativeToolBuilder#password(String)} (e.g. {@code BackupKit.Builder.restoreDumper}) to give it one.
     */
    public static final class Factory extends DumperFactory {
        public Factory() {
            super(NAME, NO_PRODUCT, 0, () -> builder().build());
        }
    }
}
