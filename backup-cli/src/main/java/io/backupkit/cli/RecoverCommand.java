package io.backupkit.cli;

import io.backupkit.api.RecoveryReport;
import io.backupkit.api.UnfinishedRestore;
import io.backupkit.core.JsonShapes;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recover",
        description = {"Finishes or undoes restores whose process died (kill -9, power loss) before they finished.",
                "A files swap under way is completed, a database changed by a non-transactional restore is put back",
                "from its safety backup, and each outcome is written to the history. A restore that is still running",
                "is never touched (it holds the storage lock: this command then fails with exit code 5).",
                "The next 'backupkit restore' does the same before it starts. Exits with 1 when a restore could not",
                "be recovered (see its message)."},
        footer = {"  backupkit recover --list",
                "  backupkit recover --db jdbc:mariadb://localhost/app --db-user app"})
final class RecoverCommand extends BaseCommand {
    @Mixin
    DbOptions db = new DbOptions();

    @Option(names = "--list", description = "Only list the unfinished restores; change nothing.")
    boolean list;

    @Override
    public Integer call() {
        try (Session session = open(settings(), new Needs(true, true, false))) {
            if (list) {
                List<UnfinishedRestore> found = session.engine.unfinishedRestores();
                out().listing(found, JsonShapes::unfinishedRestore, () -> out().result("no unfinished restore"),
                        List.of("RESTORE", "BACKUP", "STARTED", "PHASE", "STATE", "TARGETS"),
                        u -> List.of(u.operationId(), u.backupId().value(), Output.time(u.startedAt()), u.phase(),
                                u.running() ? "running" : "stopped", String.join(", ", u.targets())));
                return ExitCode.OK;
            }
            RecoveryReport report = session.engine.recover();
            if (out().json) {
                out().json(report.recovered().stream().map(JsonShapes::recovered).toList());
            } else if (report.recovered().isEmpty()) {
                out().result("no unfinished restore");
            } else {
                report.recovered().forEach(r -> out().result(r.outcome() + "  restore " + r.restore().operationId() + " of "
                        + r.restore().backupId() + ": " + r.message()));
            }
            boolean left = report.recovered().stream().anyMatch(r -> r.outcome() == RecoveryReport.Outcome.SKIPPED
                    || r.outcome() == RecoveryReport.Outcome.LEFT_PARTIAL);
            return left ? ExitCode.FAILED : ExitCode.OK;
        }
    }
}
