package io.backupkit.cli;

import io.backupkit.api.BackupRequest;
import io.backupkit.api.RetentionRules;
import io.backupkit.core.BackupScheduler;
import io.backupkit.core.Schedule;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "schedule",
        description = {"Runs backups on a schedule in the foreground, for a service manager (systemd, a container).",
                "After each successful run the retention rules, if any, are applied. Several instances may run the",
                "same job (--job NAME) on one storage: each slot runs once among them. Stops on Ctrl-C or SIGTERM,",
                "letting a running backup finish or cancelling it cleanly."},
        footer = {"  backupkit schedule --cron '0 2 * * *' --zone Europe/Berlin --keep-daily 7 --keep-weekly 4 --keep-monthly 12",
                "  backupkit schedule --every 6h --type database --keep-last 20 --job db-6h",
                "",
                "systemd unit (configuration in /etc/backupkit.yml):",
                "  ExecStart=/usr/bin/java -jar /opt/backupkit/backupkit.jar schedule --config /etc/backupkit.yml \\",
                "      --cron '30 2 * * *' --keep-daily 7 --keep-weekly 4"})
final class ScheduleCommand extends BaseCommand {
    @Mixin
    BackupOptions backup = new BackupOptions();

    @Option(names = "--cron", paramLabel = "EXPR",
            description = "Cron expression, 5 fields: minute hour day-of-month month day-of-week (e.g. '0 2 * * *').")
    String cron;

    @Option(names = "--every", paramLabel = "DURATION", description = "Fixed interval instead of cron, e.g. 6h, 30m.")
    String every;

    @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of the cron expression (default: this machine's).")
    String zone;

    @Option(names = "--job", paramLabel = "NAME",
            description = "Job name shared by the instances that schedule it (default: backupkit).")
    String job;

    @Option(names = "--catch-up", description = "At start, run once a slot missed while no instance was running.")
    boolean catchUp;

    @Option(names = "--runs", paramLabel = "N", description = "Stop after N runs of this instance (default: run until stopped).")
    Integer runs;

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    ScheduleCommand() {
        super(Trait.CREATES_STORAGE);
    }

    @Override
    void addFlags(Map<String, Object> f) {
        f.put("schedule.cron --cron", cron);
        f.put("schedule.every --every", every);
        f.put("schedule.zone --zone", zone);
        f.put("schedule.job --job", job);
        f.put("schedule.catch-up --catch-up", catchUp ? "true" : null);
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings s = settings();
        if (!Settings.bool(s, "schedule.enabled")) {
            out().result("automatic backups are off (schedule.enabled: false, " + s.source("schedule.enabled")
                    + "): nothing scheduled");
            return ExitCode.OK;
        }
        Schedule schedule = schedule(s);
        BackupRequest request = backup.request(s);
        // retention flags on this command line apply after each run, as does automatic clean-up (backup.cleanup)
        RetentionRules rules = RetentionOptions.anyFlag(s) ? RetentionOptions.toRules(s, null) : AutoCleanup.rules(s);
        String job = s.get("schedule.job").orElse("backupkit");
        if (runs != null && runs < 1) {
            throw CliException.usage("--runs must be 1 or more, was " + runs);
        }
        try (Session session = open(s, new Needs(request.type().includesDatabase(), true, request.type().includesFiles()))) {
            BackupScheduler.Builder b = BackupScheduler.builder(session.base).name(job).schedule(schedule)
                    .request(request).catchUp(Settings.bool(s, "schedule.catch-up"));
            if (rules != null) {
                b.retention(rules);
            }
            BackupScheduler scheduler = b.start();
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                scheduler.close();
                stopped.countDown();
            }, "backupkit-schedule-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out().info("schedule '" + job + "': " + request.type().label() + " backup " + schedule
                    + (rules == null ? ", no retention" : ", then " + RetentionOptions.validate(s).describe())
                    + "; next run " + scheduler.nextRun().map(Output::time).orElse("never") + ". Stop with Ctrl-C.");
            long reported = 0;
            long failuresReported = 0;
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                long done = scheduler.runs();
                long failed = scheduler.failures();
                if (done != reported || failed != failuresReported) {
                    out().info("run " + done + " finished" + (failed > failuresReported ? " with an error (see 'backupkit"
                            + " history --status failed')" : "") + "; next run "
                            + scheduler.nextRun().map(Output::time).orElse("never"));
                    reported = done;
                    failuresReported = failed;
                }
                if (runs != null && done >= runs) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    scheduler.close();
                    return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
                }
            }
        }
        return ExitCode.OK;
    }

    private static Schedule schedule(Settings s) {
        Optional<String> cron = s.get("schedule.cron");
        Optional<String> every = s.get("schedule.every");
        if (cron.isPresent() == every.isPresent()) {
            throw CliException.usage(cron.isPresent()
                    ? "both a cron expression (" + s.source("schedule.cron") + ") and an interval (" + s.source("schedule.every")
                            + ") are set: keep one of --cron / schedule.cron and --every / schedule.every"
                    : "give exactly one of --cron EXPR (e.g. --cron '0 2 * * *') or --every DURATION (e.g. --every 6h),"
                            + " or set schedule.cron / schedule.every");
        }
        if (every.isPresent()) {
            if (s.get("schedule.zone").isPresent()) {
                throw CliException.usage("--zone (schedule.zone, " + s.source("schedule.zone") + ") applies to a cron"
                        + " schedule, not to --every");
            }
            Duration d = s.duration("schedule.every").orElseThrow();
            try {
                return Schedule.every(d);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--every " + every.get() + ": " + e.getMessage());
            }
        }
        Optional<String> zone = s.get("schedule.zone");
        ZoneId z;
        try {
            z = zone.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(zone.get());
        } catch (java.time.DateTimeException e) {
            throw CliException.usage("unknown time zone '" + zone.orElse("") + "' (" + s.source("schedule.zone")
                    + "): use a region id such as Europe/Berlin or UTC");
        }
        try {
            return Schedule.cron(cron.get(), z);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--cron '" + cron.get() + "' (" + s.source("schedule.cron") + "): " + e.getMessage());
        }
    }
}
