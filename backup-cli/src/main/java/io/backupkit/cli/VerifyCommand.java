package io.backupkit.cli;

import io.backupkit.api.BackupId;
import io.backupkit.api.VerifyReport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify",
        description = {"Re-reads every object of a backup and checks its size and SHA-256 against the manifest.",
                "Exits with 4 when anything is damaged or missing."},
        footer = {"  backupkit verify 20260122T020000Z-full-7f3a",
                "  backupkit verify $(backupkit list --json --limit 1 | jq -r '.[0].id') || alert 'backup damaged'",
                "  backupkit verify --file app-2026-01-22.tar           # an export file, without importing it"})
final class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = BackupRef.DESCRIPTION + " Or --file.")
    BackupRef backup;

    @Option(names = "--file", paramLabel = "FILE", description = "Verify an export file directly: every check 'import'"
            + " makes, then every object re-read; not registered in the storage (unless --import).")
    Path file;

    @Option(names = "--import", description = "With --file: import the file into the storage, then verify it there.")
    boolean importFile;

    VerifyCommand() {
        super(Trait.LONG_OPERATION);
    }

    @Override
    public Integer call() {
        if ((backup == null) == (file == null)) {
            throw CliException.usage(backup == null ? "give the backup ID to verify, or --file FILE for an export file"
                    : "give either a backup ID or --file FILE, not both");
        }
        if (importFile && file == null) {
            throw CliException.usage("--import imports the --file FILE first: add --file, or drop --import");
        }
        Settings s = settings();
        if (file != null && !importFile) {
            try (ArchiveFile archive = ArchiveFile.open(this, s, Needs.STORAGE_ONLY, file)) {
                return verify(archive.session, archive.id());
            }
        }
        try (Session session = open(s, Needs.STORAGE_ONLY)) {
            BackupId target;
            if (file != null) {
                ArchiveFile.requireReadable(file);
                target = session.engine.importBackup(file).id();
                session.progress.clear();
                out().info("imported backup " + target + " from " + file);
            } else {
                target = backup.resolve(session.engine);
                if (session.engine.find(target).isEmpty()) {
                    throw ShowCommand.notFound(target);
                }
            }
            return verify(session, target);
        }
    }

    private int verify(Session session, BackupId id) {
        VerifyReport report = await(session.engine.startVerify(id));
        session.progress.clear();
        if (out().json) {
            out().json(Json.verify(report));
        } else if (report.ok()) {
            out().result("ok: " + id + ", " + report.objects().size() + " objects intact (size and SHA-256) in "
                    + Output.duration(report.duration()));
        } else {
            out().result("DAMAGED: " + id + ", " + report.problems().size() + " of " + report.objects().size()
                    + " objects failed:");
            report.problems().forEach(p -> out().result("  " + p.status() + "  " + p.path()
                    + (p.detail().isEmpty() ? "" : ": " + p.detail())));
        }
        if (!report.ok()) {
            out().err.println("backupkit: error: backup " + id + " is damaged: do not restore it; restore an"
                    + " older backup or re-import an exported copy");
            return ExitCode.INTEGRITY;
        }
        return ExitCode.OK;
    }
}
