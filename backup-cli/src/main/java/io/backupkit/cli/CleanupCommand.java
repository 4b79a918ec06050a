package io.backupkit.cli;

import io.backupkit.api.BackupType;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cleanup",
        description = {"Applies retention rules and removes the leftovers of interrupted backups (--interrupted).",
                "Retention has restic 'forget' semantics: a backup is kept if any rule keeps it; caps then remove the",
                "oldest. Count-based rules (--keep-last, --keep-daily..., --max-count, --max-size) count across all",
                "types unless --per-type; safety backups follow their own rules (--type safety). It never deletes a",
                "pinned backup, nor the newest backup of the database and of the files that restores everything it",
                "covers (not a safety, table-filtered, INCOMPLETE or DAMAGED one). It prints the plan with the reason",
                "for every backup; --dry-run stops there. Deleting asks for confirmation unless --force, and refuses",
                "without --force when stdin is not a terminal."},
        footer = {"  backupkit cleanup --interrupted",
                "  backupkit cleanup --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run",
                "  backupkit cleanup --keep-last 10 --max-size 200GiB --force",
                "  backupkit cleanup --type safety --keep-within 7d --force"})
final class CleanupCommand extends BaseCommand {
    @Option(names = "--interrupted", description = "Remove folders of interrupted backups (no manifest, not being written).")
    boolean interrupted;

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Apply the rules to this type only (${COMPLETION-CANDIDATES}); default: every type.")
    BackupType type;

    @Option(names = "--dry-run", description = "Print what would be deleted, and why; delete nothing.")
    boolean dryRun;

    @Option(names = {"-f", "--force"}, description = "Delete without asking for confirmation.")
    boolean force;

    @Override
    public Integer call() {
        Settings s = settings();
        // rules on the command line always apply; configured ones (retention.*) when cleanup is not only --interrupted
        boolean applyRetention = RetentionOptions.anyFlag(s) || !interrupted && RetentionOptions.any(s);
        if (!interrupted && !applyRetention) {
            throw CliException.usage("nothing to clean up: pass --interrupted and/or retention rules such as"
                    + " --keep-last 10 or --keep-daily 7 (or configure retention.keep-last, retention.keep-within, ...)");
        }
        if (type != null && !applyRetention) {
            throw CliException.usage("--type selects the backups retention rules apply to: add a rule such as --keep-last 10");
        }
        if (s.fromFlag("retention.per-type") && !applyRetention) {
            throw CliException.usage("--per-type changes how retention rules count: add a rule such as --keep-last 10");
        }
        RetentionRules rules = applyRetention ? RetentionOptions.toRules(s, type) : null;
        Map<String, Object> json = new LinkedHashMap<>();
        try (Session session = open(s, Needs.STORAGE_ONLY)) {
            if (interrupted) {
                java.util.List<String> found = session.engine.interruptedBackups();
                if (dryRun || found.isEmpty()) {
                    json.put("interrupted", Map.of("backups", found, "dryRun", dryRun));
                    if (!out().json) {
                        found.forEach(b -> out().result("would remove interrupted backup " + b));
                        out().result(found.isEmpty() ? "no interrupted backups"
                                : "dry run: " + found.size() + " interrupted backup(s) would be removed");
                    }
                } else {
                    if (!force) {
                        confirm(found.stream().map(b -> "  interrupted backup " + b).toList(),
                                "Remove " + found.size() + " interrupted backup(s)? Type 'yes' to remove: ",
                                "removing interrupted backups needs confirmation (or --dry-run to list them)",
                                "clean-up cancelled: nothing was removed");
                    }
                    removeInterrupted(session, json);
                }
            }
            if (rules != null) {
                RetentionPlan plan = session.engine.planRetention(rules);
                json.put("keep", decisions(plan.keep()));
                json.put("delete", decisions(plan.delete()));
                json.put("dryRun", dryRun);
                if (!out().json) {
                    printPlan(plan);
                }
                if (!dryRun && !plan.deletesNothing()) {
                    if (!force) {
                        confirm(List.of(), "Delete " + plan.delete().size() + " backup(s)? Type 'yes' to delete: ",
                                "retention would delete " + plan.delete().size() + " backup(s) and needs confirmation"
                                        + " (or --dry-run to only see the plan)", "clean-up cancelled: nothing was deleted");
                    }
                    CleanupResult r = session.engine.applyRetention(plan);
                    json.put("deleted", r.backups());
                    json.put("bytesFreed", r.bytesFreed());
                    if (!out().json) {
                        out().result("deleted " + r.backups().size() + " backup(s), " + Output.bytes(r.bytesFreed())
                                + " freed");
                    }
                } else if (!out().json) {
                    out().result(dryRun ? "dry run: nothing was deleted" : "nothing to delete");
                }
            }
        }
        if (out().json) {
            out().json(json);
        }
        return ExitCode.OK;
    }

    private void printPlan(RetentionPlan plan) {
        out().result("keep " + plan.keep().size() + ":");
        plan.keep().forEach(d -> out().result("  " + line(d)));
        out().result("delete " + plan.delete().size() + (plan.delete().isEmpty() ? "" : " (" + Output.bytes(plan.bytesToFree())
                + ")") + ":");
        plan.delete().forEach(d -> out().result("  " + line(d)));
    }

    private static String line(RetentionPlan.Decision d) {
        return d.backup().id() + "  " + d.backup().type().label() + "  " + Output.time(d.backup().createdAt()) + "  "
                + String.join(", ", d.reasons());
    }

    private static List<Map<String, Object>> decisions(List<RetentionPlan.Decision> list) {
        return list.stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.backup().id().value());
            m.put("type", d.backup().type().name());
            m.put("createdAt", d.backup().createdAt().toString());
            m.put("size", d.backup().storedBytes());
            m.put("reasons", d.reasons());
            return m;
        }).toList();
    }

    private void removeInterrupted(Session session, Map<String, Object> json) {
        CleanupResult r = session.engine.cleanUpInterrupted();
        json.put("interrupted", Map.of("backups", r.backups(), "objectsDeleted", r.objectsDeleted(),
                "bytesFreed", r.bytesFreed()));
        if (!out().json) {
            r.backups().forEach(b -> out().result("removed interrupted backup " + b));
            out().result(r.backups().isEmpty() ? "no interrupted backups" : r.backups().size()
                    + " interrupted backup(s) removed: " + r.objectsDeleted() + " objects, "
                    + Output.bytes(r.bytesFreed()) + " freed");
        }
    }
}
