package io.backupkit.cli;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionRules;

/**
 * The automatic clean-up after a backup ({@code --cleanup}, {@code backup.cleanup: true}): the retention rules of
 * the settings, applied without asking, since asking for it is the confirmation.
 */
final class AutoCleanup {
    private AutoCleanup() {
    }

    /** The rules to apply after each backup, or null when clean-up is off; a usage error when it is on without rules. */
    static RetentionRules rules(Settings s) {
        if (!Settings.bool(s, "backup.cleanup")) {
            return null;
        }
        if (!RetentionOptions.any(s)) {
            throw CliException.usage("automatic clean-up is on (backup.cleanup, " + s.source("backup.cleanup")
                    + ") but no retention rule is set: add one such as --keep-within 30d or retention.keep-within: 30d"
                    + " (retention.keep-last, retention.max-count, ...)");
        }
        return RetentionOptions.toRules(s, null);
    }

    static void apply(BackupEngine engine, RetentionRules rules, Output out) {
        RetentionPlan plan = engine.planRetention(rules);
        if (plan.deletesNothing()) {
            out.info("clean-up: nothing to delete");
            return;
        }
        CleanupResult r = engine.applyRetention(plan);
        out.info("clean-up: deleted " + r.backups().size() + " backup(s), " + Output.bytes(r.bytesFreed()) + " freed");
    }
}
