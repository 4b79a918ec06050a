package io.backupkit.cli;

import io.backupkit.api.BackupId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Deletes a backup: the manifest first (it disappears from 'list' at once), then its objects.",
        footerHeading = "%nExamples:%n",
        footer = {"  backupkit delete 20260122T020000Z-full-7f3a"})
final class DeleteCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = BackupRef.DESCRIPTION)
    BackupRef backup;

    @picocli.CommandLine.Option(names = {"--dry-run", "--validate-only"},
            description = "Check the backup exists and say what would be deleted; delete nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            BackupId id = backup.resolve(session.engine);
            if (dryRun) {
                io.backupkit.api.Manifest m = session.engine.find(id).orElseThrow(() -> ShowCommand.notFound(id));
                if (out().json) {
                    out().json(java.util.Map.of("id", id.value(), "deleted", false, "dryRun", true,
                            "size", m.storedBytes()));
                } else {
                    out().result("would delete " + id + " (" + m.type().label() + ", " + Output.bytes(m.storedBytes())
                            + ", " + m.objects().size() + " objects); nothing was deleted (--dry-run)");
                }
                return ExitCode.OK;
            }
            session.engine.delete(id);
            if (out().json) {
                out().json(java.util.Map.of("deleted", id.value()));
            } else {
                out().info("deleted " + id);
            }
        }
        return ExitCode.OK;
    }
}
