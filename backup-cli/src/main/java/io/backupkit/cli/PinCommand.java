package io.backupkit.cli;

import io.backupkit.api.BackupId;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pin} and {@code unpin}: retention never deletes a pinned backup. */
abstract class PinCommand extends BaseCommand {
    @Parameters(paramLabel = "ID", arity = "1..*", description = BackupRef.DESCRIPTION)
    List<BackupRef> refs;

    private final boolean pin;

    private PinCommand(boolean pin) {
        this.pin = pin;
    }

    @Command(name = "pin",
            description = "Pins backups: retention clean-up never deletes them ('delete' still does).",
            footer = {"  backupkit pin 20260122T020000Z-full-7f3a        # keep the pre-upgrade backup for good"})
    static final class Pin extends PinCommand {
        Pin() {
            super(true);
        }
    }

    @Command(name = "unpin",
            description = "Removes pins, so that retention may delete the backups again.",
            footer = {"  backupkit unpin 20260122T020000Z-full-7f3a"})
    static final class Unpin extends PinCommand {
        Unpin() {
            super(false);
        }
    }

    @Override
    public Integer call() {
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
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
                out().info((pin ? "pinned " : "unpinned ") + id);
            }
        }
        return ExitCode.OK;
    }
}
