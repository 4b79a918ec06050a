package io.backupkit.cli;

import io.backupkit.api.BackupId;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pin} and {@code unpin}: retention never deletes a pinned backup. */
final class PinCommand {
    private PinCommand() {
    }

    @Command(name = "pin", mixinStandardHelpOptions = true,
            description = "Pins backups: retention clean-up never deletes them ('delete' still does).",
            footerHeading = "%nExamples:%n",
            footer = {"  backupkit pin 20260122T020000Z-full-7f3a        # keep the pre-upgrade backup for good"})
    static final class Pin extends BaseCommand {
        @Parameters(paramLabel = "ID", arity = "1..*", description = BackupRef.DESCRIPTION)
        List<BackupRef> ids;

        @Override
        public Integer call() {
            return apply(this, ids, true);
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true,
            description = "Removes pins, so that retention may delete the backups again.",
            footerHeading = "%nExamples:%n",
            footer = {"  backupkit unpin 20260122T020000Z-full-7f3a"})
    static final class Unpin extends BaseCommand {
        @Parameters(paramLabel = "ID", arity = "1..*", description = BackupRef.DESCRIPTION)
        List<BackupRef> ids;

        @Override
        public Integer call() {
            return apply(this, ids, false);
        }
    }

    private static int apply(BaseCommand command, List<BackupRef> refs, boolean pin) {
        try (BaseCommand.Session session = command.open(command.settings(), BaseCommand.Needs.STORAGE_ONLY)) {
            List<BackupId> ids = refs.stream().map(r -> r.resolve(session.engine)).toList();
            for (BackupId id : ids) {
                if (session.engine.find(id).isEmpty()) {
                    throw ShowCommand.notFound(id);
                }
            }
            for (BackupId id : ids) {
                if (pin) {
                    session.engine.pin(id);
                } else {
                    session.engine.unpin(id);
                }
                command.out().info((pin ? "pinned " : "unpinned ") + id);
            }
        }
        return ExitCode.OK;
    }
}
