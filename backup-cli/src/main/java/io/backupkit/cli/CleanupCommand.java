package io.backupkit.cli;

import io.backupkit.api.CleanupResult;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Removes the leftovers of interrupted backups (--interrupted) and applies retention rules.",
                "Retention never deletes the newest successful backup or a pinned one."},
        footerHeading = "%nExamples:%n",
        footer = {"  backupkit cleanup --interrupted",
                "  backupkit cleanup --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run",
                "  backupkit cleanup --keep-last 10 --max-size 200GiB --force"})
final class CleanupCommand extends BaseCommand {
    @Option(names = "--interrupted", description = "Remove folders of interrupted backups (no manifest, not being written).")
    boolean interrupted;

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    @Option(names = "--dry-run", description = "Print what retention would delete; delete nothing.")
    boolean dryRun;

    @Option(names = {"-f", "--force"}, description = "Delete without asking for confirmation.")
    boolean force;

    @Override
    public Integer call() {
        if (!interrupted && !retention.any()) {
            throw CliException.usage("nothing to clean up: pass --interrupted and/or retention rules such as"
                    + " --keep-last 10 or --keep-daily 7");
        }
        if (interrupted && dryRun && !retention.any()) {
            throw CliException.usage("--dry-run applies to retention rules; --interrupted only removes folders"
                    + " without a manifest that no running backup is writing");
        }
        if (retention.any()) {
            RetentionOptions.Rules rules = retention.validate();
            throw new CliException(ExitCode.UNSUPPORTED, "retention clean-up (" + rules.describe() + ") is not"
                    + " available in this build: the engine's retention API has not landed yet; use --interrupted,"
                    + " or delete old backups with 'backupkit delete ID'");
        }
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            CleanupResult r = session.engine.cleanUpInterrupted();
            if (out().json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("interrupted", r.backups());
                m.put("objectsDeleted", r.objectsDeleted());
                m.put("bytesFreed", r.bytesFreed());
                out().json(m);
            } else if (r.backups().isEmpty()) {
                out().result("no interrupted backups");
            } else {
                r.backups().forEach(b -> out().result("removed interrupted backup " + b));
                out().result(r.backups().size() + " interrupted backup(s) removed: " + r.objectsDeleted()
                        + " objects, " + Output.bytes(r.bytesFreed()) + " freed");
            }
        }
        return ExitCode.OK;
    }
}
