package io.backupkit.cli;

import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What to back up: the options {@code backup} and {@code schedule} share. */
final class BackupOptions implements SettingFlags {
    @Mixin
    BaseCommand.DbOptions db = new BaseCommand.DbOptions();

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", description = "database, files or full.")
    String type;

    @Option(names = "--name", description = "A name for the backup (letters, digits, space, . _ -).")
    String name;

    @Option(names = "--notes", description = "Free text kept in the manifest.")
    String notes;

    @Option(names = "--tag", paramLabel = "TAG", description = "A label for filtering (repeatable).")
    List<String> tags;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "The backup group, kept as the tag group=GROUP; 'list --group' filters on it.")
    String group;

    @Option(names = "--files", arity = "1..*", paramLabel = "[NAME=]DIR",
            description = "Media directories (repeatable); NAME= sets its folder name in the backup.")
    List<String> files;

    @Option(names = "--include", paramLabel = "GLOB", description = "Only files matching (e.g. '**/*.jpg'); repeatable.")
    List<String> include;

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Skip files matching (e.g. 'cache/**'); repeatable.")
    List<String> exclude;

    @Option(names = "--one-file-system", description = "Stay on each files directory's file system: leave out "
            + "directories where another file system is mounted (as tar --one-file-system).")
    Boolean oneFileSystem;

    @Option(names = "--tables", split = ",", paramLabel = "PATTERN",
            description = "Only these tables (schema.table or table, * and ? wildcards).")
    List<String> tables;

    @Option(names = "--exclude-tables", split = ",", paramLabel = "PATTERN", description = "Skip these tables.")
    List<String> excludeTables;

    @Option(names = "--allow-incomplete", description = "Succeed even when the dumper cannot capture some database"
            + " objects; the backup is marked INCOMPLETE and lists what it lacks.")
    boolean allowIncomplete;

    @Option(names = "--dumper", paramLabel = "DUMPER", description = "builtin (default: BackupKit's own, fastest),"
            + " pg_dump or mariadb-dump (the database's own tools, which must be installed; restore needs no flag).")
    String dumper;

    @Option(names = "--cleanup", description = "After a successful backup, apply the retention rules (--keep-*,"
            + " --max-* or retention.* in the configuration); backup.cleanup: true makes it the default.")
    boolean cleanup;

    @Option(names = "--compression", paramLabel = "CODEC", description = "zstd (default), gzip or none.")
    String compression;

    @Option(names = "--level", paramLabel = "N", description = "Compression level: zstd 1-19 (default 3), gzip 1-9.")
    Integer level;

    @Override
    public void addTo(Map<String, Object> f) {
        db.addTo(f);   // a mixin of this mixin: the command sees only this one
        f.put("files.dirs --files", files);
        f.put("files.include --include", include);
        f.put("files.exclude --exclude", exclude);
        f.put("files.one-file-system --one-file-system", oneFileSystem == null ? null : oneFileSystem.toString());
        f.put("tables.include --tables", tables);
        f.put("tables.exclude --exclude-tables", excludeTables);
        f.put("dumper --dumper", dumper);
        f.put("compression.codec --compression", compression);
        f.put("compression.level --level", level);
        f.put("backup.allow-incomplete --allow-incomplete", allowIncomplete ? "true" : null);
        f.put("backup.cleanup --cleanup", cleanup ? "true" : null);
        f.put("backup.type --type", type);
    }

    /** The request these options and the configuration describe; fails with a usage error when something is missing. */
    BackupRequest request(Settings s) {
        boolean hasDb = s.get("db.url").isPresent();
        boolean hasFiles = !s.list("files.dirs").isEmpty();
        BackupType t = type(s.get("backup.type").orElse(null), hasDb, hasFiles);
        if (t.includesDatabase() && !hasDb) {
            throw CliException.usage("a " + t.label() + " backup needs a database: pass --db JDBC-URL (or set"
                    + " BACKUPKIT_DB_URL / db.url)");
        }
        if (t.includesFiles() && !hasFiles) {
            throw CliException.usage("a " + t.label() + " backup needs files: pass --files DIR (or set"
                    + " BACKUPKIT_FILES_DIRS / files.dirs)");
        }
        BackupRequest.Builder request = BackupRequest.builder(t).name(name).notes(notes)
                .allowIncomplete(Settings.bool(s, "backup.allow-incomplete"));
        // --tables on the command line makes this one backup partial; tables.* in the configuration is the normal scope
        if (s.fromFlag("tables.include") || s.fromFlag("tables.exclude")) {
            request.tables(new io.backupkit.api.TableSelection(s.list("tables.include"), s.list("tables.exclude")));
        }
        BaseCommand.nonNull(tags).forEach(request::tag);
        if (group != null) {
            request.tag("group=" + group);
        }
        return request.build();
    }

    private static BackupType type(String type, boolean hasDb, boolean hasFiles) {
        if (type == null) {
            if (!hasDb && !hasFiles) {
                throw CliException.usage("nothing to back up: pass --db JDBC-URL and/or --files DIR (or configure them)");
            }
            return hasDb && hasFiles ? BackupType.FULL : hasDb ? BackupType.DATABASE : BackupType.FILES;
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "database", "db" -> BackupType.DATABASE;
            case "files" -> BackupType.FILES;
            case "full" -> BackupType.FULL;
            default -> throw CliException.usage("unknown backup type '" + type + "': use database, files or full"
                    + " (--type or backup.type)");
        };
    }
}
