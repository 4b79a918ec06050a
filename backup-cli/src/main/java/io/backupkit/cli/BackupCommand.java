package io.backupkit.cli;

import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.Manifest;
import io.backupkit.api.RetentionRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "backup",
        description = "Takes a backup of the database, the media files, or both, and prints its id.",
        footer = {"  backupkit backup --storage file:./backups --db jdbc:sqlite:app.db --files ./media",
                "  BACKUPKIT_DB_PASSWORD=secret backupkit backup --type database --db jdbc:postgresql://localhost/app \\",
                "      --db-user app --storage s3://my-bucket/app?region=eu-central-1 --exclude-tables 'audit_*'",
                "  backupkit backup --type files --files media=/srv/app/uploads --exclude 'cache/**' --name nightly",
                "",
                "The type defaults to full with both a database and files configured, else to what is configured."})
final class BackupCommand extends BaseCommand {
    @Mixin
    BackupOptions backup = new BackupOptions();

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    BackupCommand() {
        super(Trait.CREATES_STORAGE, Trait.LONG_OPERATION);
    }

    @Override
    public Integer call() {
        Settings s = settings();
        BackupRequest built = backup.request(s);
        BackupType t = built.type();
        RetentionRules rules = AutoCleanup.rules(s);
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
            if (rules != null) {
                AutoCleanup.apply(session.engine, rules, out());
            }
        }
        return ExitCode.OK;
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
