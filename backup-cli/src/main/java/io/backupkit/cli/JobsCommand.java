package io.backupkit.cli;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.JobInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jobs} and {@code job ID}: running and recent operations of the storage, read from its history, so every
 * instance (and every terminal) sharing the storage sees the same jobs with the progress they last recorded.
 */
final class JobsCommand {
    /** A RUNNING record not refreshed for this long is probably the leftover of a process that died. */
    static final Duration QUIET = Duration.ofMinutes(2);

    private JobsCommand() {
    }

    @Command(name = "jobs",
            description = {"Lists running and recent operations (backups, restores, verifications, ...) of the storage,"
                    + " from any instance using it, with their progress.",
                    "Progress is recorded every few seconds; a running job quiet for over 2 minutes is flagged, as its"
                            + " process may have died ('backupkit recover' and 'cleanup --interrupted' tidy up)."},
            footer = {"  backupkit jobs", "  backupkit jobs --running --json", "  backupkit jobs --limit 50"})
    static final class Jobs extends BaseCommand {
        @Option(names = "--running", description = "Only operations that are running.")
        boolean running;

        @Option(names = "--limit", paramLabel = "N", description = "How many finished operations to show (default 10).")
        int limit = 10;

        @Override
        public Integer call() {
            if (limit < 0) {
                throw CliException.usage("--limit must be 0 or more, was " + limit);
            }
            try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
                List<JobInfo> jobs = session.engine.jobs(running ? 0 : limit);
                Instant now = Instant.now();
                out().listing(jobs, j -> json(j, now), () -> out().result(running ? "no running jobs" : "no jobs"),
                        List.of("JOB", "OPERATION", "STATUS", "BACKUP", "PROGRESS", "STARTED", "HOST"),
                        j -> List.of(j.id(), j.operation().label(), state(j, now),
                                j.operation().backupId().map(Object::toString).orElse("-"), progress(j),
                                Output.time(j.operation().startedAt()), j.operation().host()));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "job",
            description = "Shows one operation of the storage by its job id (as 'jobs' lists it): status, progress, and"
                    + " how it ended.",
            footer = {"  backupkit job 20260122T020000Z-backup-7f3a9c01", "  backupkit job ID --json | jq .progress"})
    static final class Job extends BaseCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The job (operation) id.")
        String id;

        @Override
        public Integer call() {
            try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
                JobInfo j = session.engine.jobInfo(id).orElseThrow(() -> new CliException(ExitCode.NOT_FOUND,
                        "no job " + id + " in this storage's history: 'backupkit jobs' lists them"));
                Instant now = Instant.now();
                if (out().json) {
                    out().json(json(j, now));
                    return ExitCode.OK;
                }
                out().result("job:       " + j.id());
                out().result("operation: " + j.operation().label()
                        + j.operation().backupId().map(b -> " of " + b).orElse(""));
                out().result("status:    " + state(j, now));
                out().result("progress:  " + progress(j));
                out().result("started:   " + Output.time(j.operation().startedAt()) + " by " + j.operation().actor()
                        + (j.operation().host().isEmpty() ? "" : " on " + j.operation().host()));
                j.operation().finishedAt().ifPresent(f -> out().result("finished:  " + Output.time(f) + " ("
                        + Output.duration(j.operation().duration()) + ")"));
                j.operation().error().ifPresent(e -> out().result("error:     " + e));
            }
            return ExitCode.OK;
        }
    }

    static String state(JobInfo j, Instant now) {
        String status = j.operation().status().name();
        if (j.running() && Duration.between(j.updatedAt(), now).compareTo(QUIET) > 0) {
            return status + " (no progress recorded for " + Output.duration(Duration.between(j.updatedAt(), now)) + ")";
        }
        return status;
    }

    static String progress(JobInfo j) {
        if (j.progress().isEmpty()) {
            return "-";
        }
        BackupEvent.Progress p = j.progress().get();
        StringBuilder sb = new StringBuilder(Output.bytes(p.bytes()));
        p.totalBytes().ifPresent(t -> sb.append(" of ").append(Output.bytes(t)));
        j.fractionDone().ifPresent(f -> sb.append(" (").append(Math.round(f * 100)).append("%)"));
        if (p.rows() > 0) {
            sb.append(", ").append(Output.count(p.rows())).append(" rows");
        }
        if (p.files() > 0) {
            sb.append(", ").append(Output.count(p.files())).append(" files");
        }
        return sb.toString();
    }

    static Map<String, Object> json(JobInfo j, Instant now) {
        return io.backupkit.core.JsonShapes.job(j, now, QUIET);
    }
}
