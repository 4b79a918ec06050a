package io.backupkit.cli;

import io.backupkit.api.BackupId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "delete",
        description = {"Deletes a backup: the manifest first (it disappears from 'list' at once), then its objects.",
                "Asks for confirmation unless --force; refuses without --force when stdin is not a terminal."},
        footer = {"  backupkit delete 20260122T020000Z-full-7f3a", "  backupkit delete 20260122T020000Z-full-7f3a --force"})
final class DeleteCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = BackupRef.DESCRIPTION)
    BackupRef backup;

    @picocli.CommandLine.Option(names = {"--dry-run", "--validate-only"},
            description = "Check the backup exists and say what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
    boolean force;

    @Override
    public Integer call() {
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            BackupId id = backup.resolve(session.engine);
            io.backupkit.api.BackupInfo b = session.engine.info(id).orElseThrow(() -> ShowCommand.notFound(id));
            if (dryRun) {
                if (out().json) {
                    out().json(java.util.Map.of("id", id.value(), "deleted", false, "dryRun", true,
                            "size", b.storedBytes()));
                } else {
                    out().result("would delete " + id + " (" + b.type().label() + ", " + Output.bytes(b.storedBytes())
                            + (b.pinned() ? ", pinned" : "") + "); nothing was deleted (--dry-run)");
                }
                return ExitCode.OK;
            }
            if (!force) {
                confirm(java.util.List.of("Delete backup " + id + " (" + b.type().label() + ", " + Output.time(b.createdAt())
                        + ", " + Output.bytes(b.storedBytes()) + (b.pinned() ? ", pinned" : "") + ")?"),
                        "Type 'yes' to delete: ", "delete removes the backup for good and needs confirmation",
                        "delete cancelled: nothing was deleted");
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
