package io.backupkit.jdbc.mariadb;

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
 * MariaDB / MySQL through their own tools: {@code mariadb-dump --single-transaction} (routines, triggers and
 * events included) streams SQL into one backup object; the {@code mariadb} client replays it into the target
 * database. Falls back to {@code mysqldump} / {@code mysql} when the MariaDB names are not installed.
 *
 * <p>The password goes through a 0600 option file ({@code --defaults-extra-file}) deleted afterwards, never the
 * command line or {@code MYSQL_PWD}; stdout and stderr are read concurrently; a non-zero exit fails with the tail of
 * stderr; a timeout kills a hanging tool. Row counts in the manifest are taken in a consistent snapshot just before
 * the tool runs. MySQL DDL is not transactional, so a failed restore can leave tables partly restored: the engine's
 * safety backup is the way back. REPLACE only.
 */
public final class MariaDbDumpDumper extends NativeToolDumper {
    /** The dumper's name, recorded in manifests. */
    public static final String NAME = "mariadb-dump";
    static final String OBJECT = "mariadb-dump.sql";
    private static final Pattern URL = Pattern.compile("^jdbc:(?:mariadb|mysql)://([^/:?,]+|\\[[^]]+])(?::(\\d+))?"
            + "/([^?;]*).*$");

    private MariaDbDumpDumper(NativeToolSettings tools) {
        super(tools);
    }

    /** Configures a {@link MariaDbDumpDumper}: where mariadb-dump and mariadb (or mysqldump and mysql) are, the password, the timeout. */
    public static NativeToolBuilder<MariaDbDumpDumper> builder() {
        return new NativeToolBuilder<>(MariaDbDumpDumper::new);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Whether the dump tool can be found. */
    public boolean isInstalled() {
        return tools.find("mariadb-dump", "mysqldump").isPresent();
    }

    private record Target(String host, int port, String database, String user) {
    }

    private static Target target(Connection c) throws SQLException {
        Matcher m = URL.matcher(c.getMetaData().getURL());
        if (!m.matches() || m.group(3).isEmpty()) {
            throw new ConfigurationException("mariadb-dump needs a jdbc:mariadb://host[:port]/database URL, not "
                    + JdbcSupport.redactUrl(c.getMetaData().getURL()));
        }
        String user = c.getMetaData().getUserName();
        int at = user == null ? -1 : user.indexOf('@');
        return new Target(m.group(1), m.group(2) == null ? 3306 : Integer.parseInt(m.group(2)), m.group(3),
                at < 0 ? user : user.substring(0, at));
    }

    /** The option file: {@code [client]} with user, password, host, port; values quoted and escaped. */
    private Path optionFile(Target t) throws IOException {
        return NativeTool.secretFile("my", "[client]\nuser=" + quote(t.user())
                + "\npassword=" + quote(tools.password())                + "\nhost=" + quote(t.host()) + "\nport=" + t.port() + "\nprotocol=TCP\n");
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public DumpSummary dump(DumpContext ctx) {
        String dumpTool = tools.find("mariadb-dump", "mysqldump").orElseThrow(() -> new ConfigurationException(
                "mariadb-dump is not installed: install the Debian package 'mariadb-client' or configure its"
                        + " directory"));
        try (Connection c = JdbcSupport.connect(ctx.dataSource(), "source")) {
            Target target = target(c);
            List<Manifest.TableEntry> tables = countTables(c, target.database(), ctx.tables());
            Path options = optionFile(target);
            List<String> args = new ArrayList<>(List.of(dumpTool, "--defaults-extra-file=" + options,
                    "--single-transaction", "--routines", "--triggers", "--events", "--hex-blob",
                    "--default-character-set=utf8mb4", "--skip-lock-tables", target.database()));
            if (!ctx.tables().isAll()) {
                tables.forEach(t -> args.add(t.name()));
            }
            dumpInto(ctx, OBJECT, args, Map.of(), options);
            return summary(ctx, c, c.getMetaData().getDatabaseProductName() + " "
                    + c.getMetaData().getDatabaseProductVersion(), OBJECT, tables, "mariadb-dump sql", Map.of(),
                    List.of("row counts were taken in a snapshot just before mariadb-dump ran"));
        } catch (SQLException | IOException e) {
            throw dumpFailed(e);
        }
    }

    private static List<Manifest.TableEntry> countTables(Connection c, String database, TableSelection selection)
            throws SQLException {
        List<String> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(rs.getString(1));
                }
            }
        }
        for (String include : selection.exactIncludes()) {
            if (all.stream().noneMatch(t -> TableSelection.matchesOne(include, database, t))) {
                throw new ConfigurationException("no table named " + include + " in the database");
            }
        }
        List<Manifest.TableEntry> out = new ArrayList<>();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            for (String t : all) {
                if (selection.matches(database, t)) {
                    try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + t.replace("`", "``") + "`")) {
                        rs.next();
                        out.add(new Manifest.TableEntry(database, t, rs.getLong(1), List.of()));
                    }
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        return out;
    }

    @Override
    public List<TableChange> preview(RestoreContext ctx) {
        check(ctx);
        try (Connection c = JdbcSupport.connect(ctx.dataSource(), "target")) {
            Target target = target(c);
            List<TableChange> out = new ArrayList<>();
            for (Manifest.TableEntry t : ctx.database().tables()) {
                out.add(new TableChange(target.database() + "." + t.name(), rowsOrMissing(c, t.name()), t.rows()));
            }
            return out;
        } catch (SQLException e) {
            throw restoreFailed(e);
        }
    }

    @Override
    public List<TableChange> restore(RestoreContext ctx) {
        check(ctx);
        String client = tools.find("mariadb", "mysql").orElseThrow(() -> new ConfigurationException(
                "the mariadb client is not installed: install the Debian package 'mariadb-client'. Nothing was"
                        + " changed."));
        String path = objectPath(ctx);
        try (Connection c = JdbcSupport.connect(ctx.dataSource(), "target")) {
            Target target = target(c);
            Map<String, Long> before = new LinkedHashMap<>();
            for (Manifest.TableEntry t : ctx.database().tables()) {
                before.put(t.name(), rowsOrMissing(c, t.name()));
            }
            Path options = optionFile(target);
            restoreFrom(ctx, path, List.of(client, "--defaults-extra-file=" + options, "--binary-mode",
                    "--default-character-set=utf8mb4", "--database=" + target.database()), Map.of(), options);
            List<TableChange> out = new ArrayList<>();
            for (Manifest.TableEntry t : ctx.database().tables()) {
                long after = rowsOrMissing(c, t.name());
                out.add(restored(ctx, target.database() + "." + t.name(), t.name(), before.get(t.name()), after));
            }
            return out;
        } catch (SQLException | IOException e) {
            throw restoreFailed(e);
        }
    }

    /** MySQL DDL commits implicitly: a failed restore can leave tables changed (the safety backup undoes it). */
    public boolean restoresAtomically(DataSource target) {
        return false;
    }

    /** Drops the tables ({@code database.table} or {@code table}) of the target's database that exist. */
    public void dropTables(DataSource target, List<String> qualifiedNames) {
        if (qualifiedNames.isEmpty()) {
            return;
        }
        try (Connection c = JdbcSupport.connect(target, "target"); Statement st = c.createStatement()) {
            st.execute("SET SESSION FOREIGN_KEY_CHECKS = 0");
            List<String> quoted = new ArrayList<>();
            for (String name : qualifiedNames) {
                String table = name.contains(".") ? name.substring(name.indexOf('.') + 1) : name;
                quoted.add("`" + table.replace("`", "``") + "`");
            }
            st.execute("DROP TABLE IF EXISTS " + String.join(", ", quoted));
        } catch (SQLException e) {
            throw new RestoreException("dropping tables " + qualifiedNames + " failed: " + e.getMessage(), e);
        }
    }

    private static void check(RestoreContext ctx) {
        if (ctx.mode() != RestoreMode.REPLACE) {
            throw new UnsupportedBackupException("a mariadb-dump backup restores with REPLACE only; nothing was"
                    + " changed");
        }
        if (!ctx.tables().isAll()) {
            throw new UnsupportedBackupException("a mariadb-dump backup restores whole; select tables when backing"
                    + " up instead. Nothing was changed.");
        }
    }

    private static long rowsOrMissing(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.tables"
                + " WHERE table_schema = DATABASE() AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return -1;
                }
            }
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + table.replace("`", "``") + "`")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Registered in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory} so that a backup whose
     * manifest names this dumper restores without configuring it; never chosen for a new backup from the database's
     * metadata ({@link #supports} is false): a backup uses it only when it is configured. Created this way it has
     * no password (only trust or peer authentication gets in); configure a {@link MariaDbDumpDumper} with
     * {@link NativeToolBuilder#password(String)} (e.g. {@code BackupKit.Builder.restoreDumper}) to give it one.
     */
    public static final class Factory extends DumperFactory {
        public Factory() {
            super(NAME, NO_PRODUCT, 0, () -> builder().build());
        }
    }
}
