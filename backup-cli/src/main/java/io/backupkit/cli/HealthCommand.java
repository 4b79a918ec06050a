package io.backupkit.cli;

import io.backupkit.api.HealthReport;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "health",
        description = {"Checks what a monitor should alert on; exits with 0 when healthy, 7 when there are problems.",
                "Problems: a stale or damaged newest backup, failing runs, storage over a limit, unusable storage."},
        footer = {"  backupkit health --max-age 25h --max-size 500GiB",
                "  backupkit health --json --quiet || notify-oncall"})
final class HealthCommand extends BaseCommand {
    @Option(names = "--max-age", paramLabel = "DURATION", description = "The newest backup must be younger (default 25h).")
    String maxAge;

    @Option(names = "--max-size", paramLabel = "SIZE", description = "Storage used by backups must stay below (e.g. 500GiB).")
    String maxSize;

    @Option(names = "--failed-runs", paramLabel = "N", description = "Alert when the last N backup runs failed (default 2).")
    Integer failedRuns;

    @Override
    void addFlags(Map<String, Object> f) {
        f.put("health.max-age --max-age", maxAge);
        f.put("health.max-size --max-size", maxSize);
        f.put("health.failed-runs --failed-runs", failedRuns);
    }

    @Override
    public Integer call() {
        Settings settings = settings();
        Session opened;
        try {
            opened = open(settings, Needs.STORAGE_ONLY);
        } catch (CliException | io.backupkit.api.StorageException e) {
            if (e instanceof CliException c && !c.storageUnusable()) {
                throw e;
            }
            // a storage that cannot be used is what health is there to report: exit 7, as documented
            return report(new HealthReport(java.time.Instant.now(), java.util.List.of(new HealthReport.Problem(
                    HealthReport.Kind.STORAGE_UNREACHABLE, e.getMessage()))));
        }
        try (Session session = opened) {
            return report(session.engine.health());
        }
    }

    private int report(HealthReport h) {
        if (out().json) {
            out().json(Json.health(h));
        } else if (h.healthy()) {
            out().result("healthy");
        } else {
            out().result("UNHEALTHY: " + h.problems().size() + " problem(s)");
            h.problems().forEach(p -> out().result("  " + p.kind() + ": " + p.message()));
        }
        return h.healthy() ? ExitCode.OK : ExitCode.UNHEALTHY;
    }
}
