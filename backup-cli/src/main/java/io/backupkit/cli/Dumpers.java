package io.backupkit.cli;

import io.backupkit.core.BackupKit;
import io.backupkit.jdbc.mariadb.MariaDbDumpDumper;
import io.backupkit.jdbc.postgres.PgDumpDumper;
import java.util.Locale;

/**
 * The {@code dumper} setting: {@code builtin} (the default: BackupKit's own dumper for the database, found from its
 * metadata), {@code pg_dump} or {@code mariadb-dump} (the database's own tools, which must be installed). Restores
 * always get both native dumpers with the password, so a backup made with either restores whatever the setting.
 */
final class Dumpers {
    static final String KEY = "dumper";

    private Dumpers() {
    }

    /**
     * Configures the builder's dumpers.
     *
     * @param backingUp whether this command takes backups (the chosen dumper must then fit the database and be installed)
     */
    static void configure(BackupKit.Builder b, Settings s, String url, String password, boolean backingUp) {
        String pw = password == null ? "" : password;
        PgDumpDumper pgDump = PgDumpDumper.builder().password(pw).build();
        MariaDbDumpDumper mariaDbDump = MariaDbDumpDumper.builder().password(pw).build();
        b.restoreDumper(pgDump).restoreDumper(mariaDbDump);
        String chosen = s.get(KEY).orElse("builtin").strip().toLowerCase(Locale.ROOT);
        String source = s.value(KEY).map(Settings.Value::source).orElse("default");
        String lower = url.toLowerCase(Locale.ROOT);
        switch (chosen) {
            case "builtin" -> {
            }
            case "pg_dump", "pg-dump" -> {
                if (backingUp) {
                    requireDatabase(lower.startsWith("jdbc:postgresql:"), "pg_dump", "PostgreSQL", source);
                    requireInstalled(pgDump.isInstalled(), "pg_dump", "postgresql-client", source);
                }
                b.dumper(pgDump);
            }
            case "mariadb-dump", "mariadb_dump", "mysqldump" -> {
                if (backingUp) {
                    requireDatabase(lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:"), "mariadb-dump",
                            "MariaDB or MySQL", source);
                    requireInstalled(mariaDbDump.isInstalled(), "mariadb-dump", "mariadb-client", source);
                }
                b.dumper(mariaDbDump);
            }
            default -> throw CliException.usage("unknown dumper '" + chosen + "' (" + source + "): use builtin,"
                    + " pg_dump or mariadb-dump");
        }
    }

    private static void requireDatabase(boolean fits, String tool, String database, String source) {
        if (!fits) {
            throw CliException.usage("the dumper " + tool + " (" + source + ") backs up " + database
                    + " databases only: use --dumper builtin for this database");
        }
    }

    private static void requireInstalled(boolean installed, String tool, String debianPackage, String source) {
        if (!installed) {
            throw CliException.usage(tool + " is not installed on this machine (dumper " + tool + ", " + source
                    + "): install it (Debian/Ubuntu: apt-get install " + debianPackage + ") or use --dumper builtin");
        }
    }
}
