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

    @Override
    public Integer call() {
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            BackupId id = backup.resolve(session.engine);
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
