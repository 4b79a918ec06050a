package io.backupkit.cli;

import io.backupkit.api.BackupStatus;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Operation;
import io.backupkit.api.OperationRecord;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history",
        description = "The history of operations on this storage, newest first: who ran what, when, and how it ended.",
        footer = {"  backupkit history --limit 20", "  backupkit history --operation restore --csv > restores.csv",
                "  backupkit history --backup 20260122T020000Z-full-7f3a --json"})
final class HistoryCommand extends BaseCommand {
    @Option(names = "--csv", description = "Print CSV (RFC 4180, with a header line).")
    boolean csv;

    @Option(names = "--operation", paramLabel = "OP", description = "Only this operation: ${COMPLETION-CANDIDATES}.")
    Operation operation;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only this status: ${COMPLETION-CANDIDATES}.")
    BackupStatus status;

    @Option(names = "--backup", paramLabel = "ID",
            description = "Only operations on this backup: an id (also of a deleted backup), latest, latest:TYPE or a name.")
    BackupRef backup;

    @Option(names = "--limit", paramLabel = "N", description = "At most N records.")
    int limit;

    @Override
    public Integer call() {
        if (csv && root.json) {
            throw CliException.usage("--csv and --json cannot be combined: choose one output format");
        }
        HistoryQuery q = HistoryQuery.all().withLimit(limit);
        if (operation != null) {
            q = q.withOperation(operation);
        }
        if (status != null) {
            q = q.withStatus(status);
        }
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            if (backup != null) {
                q = q.withBackup(backup.resolveAllowingDeleted(session.engine));
            }
            if (csv) {
                Writer w = new OutputStreamWriter(out().out, StandardCharsets.UTF_8);
                session.engine.exportHistoryCsv(q, w);
                try {
                    w.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return ExitCode.OK;
            }
            List<OperationRecord> records = session.engine.history(q);
            out().listing(records, Json::record, () -> out().info("no history"),
                    List.of("STARTED", "OPERATION", "STATUS", "BACKUP", "ACTOR", "DURATION", "ERROR"),
                    r -> List.of(Output.time(r.startedAt()), r.label(), r.status().name().toLowerCase(Locale.ROOT),
                            r.backupId().map(Object::toString).orElse("-"), r.actor(), Output.duration(r.duration()),
                            r.error().map(Main::oneLine).orElse("")));
        }
        return ExitCode.OK;
    }
}
