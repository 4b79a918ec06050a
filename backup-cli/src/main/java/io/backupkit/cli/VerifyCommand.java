package io.backupkit.cli;

import io.backupkit.api.BackupId;
import io.backupkit.api.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Re-reads every object of a backup and checks its size and SHA-256 against the manifest.",
                "Exits with 4 when anything is damaged or missing."},
        footerHeading = "%nExamples:%n",
        footer = {"  backupkit verify 20260122T020000Z-full-7f3a",
                "  backupkit verify $(backupkit list --json --limit 1 | jq -r '.[0].id') || alert 'backup damaged'"})
final class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = BackupRef.DESCRIPTION)
    BackupRef backup;

    @Override
    boolean longOperation() {
        return true;
    }

    @Override
    public Integer call() {
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            BackupId id = backup.resolve(session.engine);
            if (session.engine.find(id).isEmpty()) {
                throw ShowCommand.notFound(id);
            }
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
        }
        return ExitCode.OK;
    }
}
