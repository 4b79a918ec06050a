package io.backupkit.cli;

import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupType;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list",
        description = "Lists the complete backups, newest first.",
        footer = {"  backupkit list --storage file:./backups",
                "  backupkit list --type database --limit 5",
                "  backupkit list --json | jq -r '.[0].id'     # the newest backup's id"})
final class ListCommand extends BaseCommand {
    @Option(names = "--type", paramLabel = "TYPE", description = "Only this type: ${COMPLETION-CANDIDATES}.")
    BackupType type;

    @Option(names = "--name", paramLabel = "TEXT", description = "Only backups whose name contains TEXT.")
    String name;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only backups with this tag.")
    String tag;

    @Option(names = "--group", paramLabel = "GROUP", description = "Only backups of this group.")
    String group;

    @Option(names = "--limit", paramLabel = "N", description = "At most N backups.")
    int limit;

    @Override
    public Integer call() {
        if (tag != null && group != null) {
            throw CliException.usage("--tag and --group cannot be combined: a group is the tag group=NAME");
        }
        BackupQuery q = BackupQuery.all().withLimit(limit);
        if (type != null) {
            q = q.withType(type);
        }
        if (name != null) {
            q = q.withNameContaining(name);
        }
        if (tag != null) {
            q = q.withTag(tag);
        }
        if (group != null) {
            q = q.withTag("group=" + group);
        }
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            List<BackupInfo> backups = session.engine.list(q);
            out().listing(backups, Json::info, () -> out().info("no backups"),
                    List.of("ID", "TYPE", "NAME", "STATUS", "CREATED", "SIZE", "TABLES", "ROWS", "FILES", "PINNED"),
                    b -> List.of(b.id().value(), b.type().label(), b.name(), status(b.state()), Output.time(b.createdAt()),
                            Output.bytes(b.storedBytes()), String.valueOf(b.tables()), Output.count(b.rows()),
                            Output.count(b.files()), b.pinned() ? "yes" : ""));
        }
        return ExitCode.OK;
    }

    /**
     * The STATUS column: integrity in lower case ({@code unverified}, {@code verified}, {@code DAMAGED},
     * {@code MISSING_OBJECTS} in capitals as they need attention), {@code INCOMPLETE} and {@code partial} added.
     */
    static String status(io.backupkit.api.BackupState s) {
        StringBuilder sb = new StringBuilder(s.damaged() ? s.integrity().name()
                : s.integrity().name().toLowerCase(java.util.Locale.ROOT));
        if (s.completeness() == io.backupkit.api.BackupState.Completeness.INCOMPLETE) {
            sb.append(",INCOMPLETE");
        }
        if (!s.partial().isEmpty()) {
            sb.append(",partial");
        }
        return sb.toString();
    }
}
