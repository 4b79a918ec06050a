package io.backupkit.cli;

import io.backupkit.api.BackupStats;
import io.backupkit.api.BackupType;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(name = "stats",
        description = "Counts, sizes and durations of the backups in the storage, for a dashboard.",
        footer = {"  backupkit stats", "  backupkit stats --json"})
final class StatsCommand extends BaseCommand {
    @Override
    public Integer call() {
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            BackupStats s = session.engine.stats();
            if (out().json) {
                out().json(Json.stats(s));
                return ExitCode.OK;
            }
            StringBuilder types = new StringBuilder();
            for (BackupType t : BackupType.values()) {
                types.append(types.length() == 0 ? "" : ", ").append(t.label()).append(' ')
                        .append(s.backupsByType().getOrDefault(t, 0L));
            }
            out().result("backups:          " + s.totalBackups() + " (" + types + ")");
            out().result("stored:           " + Output.bytes(s.totalStoredBytes()));
            StringBuilder states = new StringBuilder();
            s.backupsByIntegrity().forEach((k, v) -> states.append(states.length() == 0 ? "" : ", ")
                    .append(k.name().toLowerCase(Locale.ROOT)).append(' ').append(v));
            out().result("integrity:        " + (states.length() == 0 ? "-" : states));
            out().result("incomplete:       " + (s.incompleteBackups().isEmpty() ? "none"
                    : s.incompleteBackups().size() + " (INCOMPLETE: " + s.incompleteBackups().stream().map(Object::toString)
                    .collect(java.util.stream.Collectors.joining(", ")) + ")"));
            out().result("oldest:           " + s.oldestBackup().map(Output::time).orElse("-"));
            out().result("newest:           " + s.newestBackup().map(Output::time).orElse("-"));
            StringBuilder runs = new StringBuilder();
            s.backupRunsByStatus().forEach((k, v) -> runs.append(runs.length() == 0 ? "" : ", ")
                    .append(k.name().toLowerCase(Locale.ROOT)).append(' ').append(v));
            out().result("backup runs:      " + (runs.length() == 0 ? "none" : runs));
            out().result("last success:     " + s.lastSuccess().map(r -> Output.time(r.startedAt()) + " "
                    + r.backupId().map(Object::toString).orElse("")).orElse("-"));
            out().result("last failure:     " + s.lastFailure().map(r -> Output.time(r.startedAt()) + " "
                    + r.error().orElse("")).orElse("-"));
            out().result("average duration: " + Output.duration(s.averageDuration()));
            out().result("last duration:    " + s.lastDuration().map(Output::duration).orElse("-"));
        }
        return ExitCode.OK;
    }
}
