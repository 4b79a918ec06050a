package io.backupkit.cli;

import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.Manifest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Takes a backup of the database, the media files, or both, and prints its id.",
        footerHeading = "%nExamples:%n",
        footer = {"  backupkit backup --storage file:./backups --db jdbc:sqlite:app.db --files ./media",
                "  BACKUPKIT_DB_PASSWORD=secret backupkit backup --type database --db jdbc:postgresql://localhost/app \\",
                "      --db-user app --storage s3://my-bucket/app?region=eu-central-1 --exclude-tables 'audit_*'",
                "  backupkit backup --type files --files media=/srv/app/uploads --exclude 'cache/**' --name nightly",
                "",
                "The type defaults to full with both a database and files configured, else to what is configured."})
final class BackupCommand extends BaseCommand {
    @Mixin
    DbOptions db = new DbOptions();

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

    @Option(names = "--tables", split = ",", paramLabel = "PATTERN",
            description = "Only these tables (schema.table or table, * and ? wildcards).")
    List<String> tables;

    @Option(names = "--exclude-tables", split = ",", paramLabel = "PATTERN", description = "Skip these tables.")
    List<String> excludeTables;

    @Option(names = "--compression", paramLabel = "CODEC", description = "zstd (default), gzip or none.")
    String compression;

    @Option(names = "--level", paramLabel = "N", description = "Compression level: zstd 1-19 (default 3), gzip 1-9.")
    Integer level;

    @Override
    Map<String, Object> flags() {
        Map<String, Object> f = new LinkedHashMap<>();
        db.addTo(f);
        f.put("files.dirs --files", files);
        f.put("files.include --include", include);
        f.put("files.exclude --exclude", exclude);
        f.put("tables.include --tables", tables);
        f.put("tables.exclude --exclude-tables", excludeTables);
        f.put("compression.codec --compression", compression);
        f.put("compression.level --level", level);
        return f;
    }

    @Override
    public Integer call() {
        Settings s = settings();
        boolean hasDb = s.get("db.url").isPresent();
        boolean hasFiles = !s.list("files.dirs").isEmpty();
        BackupType t = type(hasDb, hasFiles);
        if (t.includesDatabase() && !hasDb) {
            throw CliException.usage("a " + t.label() + " backup needs a database: pass --db JDBC-URL (or set"
                    + " BACKUPKIT_DB_URL / db.url)");
        }
        if (t.includesFiles() && !hasFiles) {
            throw CliException.usage("a " + t.label() + " backup needs files: pass --files DIR (or set"
                    + " BACKUPKIT_FILES_DIRS / files.dirs)");
        }
        BackupRequest.Builder request = BackupRequest.builder(t).name(name).notes(notes);
        nonNull(tags).forEach(request::tag);
        if (group != null) {
            request.tag("group=" + group);
        }
        BackupRequest built = request.build();
        try (Session session = open(s, new Needs(t.includesDatabase(), true, t.includesFiles()))) {
            out().info("backing up " + t.label() + " to " + Settings.maskUrl(s.get("storage").orElse("")) + " ...");
            BackupResult result = await(session.engine.startBackup(built));
            session.progress.clear();
            Manifest m = result.manifest();
            if (out().json) {
                out().json(Json.manifestSummary(m));
            } else {
                out().info(summary(m));
                m.warnings().forEach(w -> out().info("warning: " + w));
                out().result(m.id().value());
            }
        }
        return ExitCode.OK;
    }

    private BackupType type(boolean hasDb, boolean hasFiles) {
        if (type == null) {
            if (!hasDb && !hasFiles) {
                throw CliException.usage("nothing to back up: pass --db JDBC-URL and/or --files DIR (or configure them)");
            }
            return hasDb && hasFiles ? BackupType.FULL : hasDb ? BackupType.DATABASE : BackupType.FILES;
        }
        return switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "database", "db" -> BackupType.DATABASE;
            case "files" -> BackupType.FILES;
            case "full" -> BackupType.FULL;
            default -> throw CliException.usage("unknown backup type '" + type + "': use database, files or full");
        };
    }

    static String summary(Manifest m) {
        StringBuilder sb = new StringBuilder("created ").append(m.type().label()).append(" backup ").append(m.id());
        m.database().ifPresent(d -> sb.append(": ").append(d.tables().size()).append(" tables, ")
                .append(Output.count(d.totalRows())).append(" rows"));
        m.files().ifPresent(f -> sb.append(m.database().isPresent() ? ", " : ": ").append(Output.count(f.fileCount()))
                .append(" files (").append(Output.bytes(f.totalBytes())).append(")"));
        sb.append("; ").append(Output.bytes(m.storedBytes())).append(" stored in ")
                .append(Output.duration(java.time.Duration.between(m.createdAt(), m.finishedAt())));
        return sb.toString();
    }
}
