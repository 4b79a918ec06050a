package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Retention: a plan of what the rules delete ({@link RetentionPlanner}), and applying it. */
record RetentionOperation(EngineContext context, Catalogue catalogue) {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionOperation.class);

    RetentionPlan plan(RetentionRules rules) {
        context.ensureOpen();
        Set<BackupId> pinned = new HashSet<>();
        // A DAMAGED backup is never planned for deletion: a person decides about it (delete removes it).
        List<BackupInfo> backups = catalogue.list(BackupQuery.all()).stream()
                .filter(b -> b.status() == BackupStatus.COMPLETED).toList();
        backups.stream().filter(BackupInfo::pinned).forEach(b -> pinned.add(b.id()));
        return RetentionPlanner.plan(backups, rules, pinned, context.config.clock().instant(),
                context.config.clock().getZone());
    }

    /** Deletes what the plan says, except backups pinned since it was made and those already gone. */
    CleanupResult apply(OperationScope scope, RetentionPlan plan) {
        scope.options.put("kind", "retention");
        scope.options.put("planned deletions", Integer.toString(plan.delete().size()));
        Set<String> pinnedNow = catalogue.pinnedIds();
        List<String> removed = new ArrayList<>();
        long objects = 0;
        long bytes = 0;
        for (RetentionPlan.Decision d : plan.delete()) {
            scope.checkCancelled();
            BackupId id = d.backup().id();
            if (pinnedNow.contains(id.value())) {
                LOG.info("Retention: keeping {}, pinned since the plan was made", id);
                continue;
            }
            if (context.storage.stat(Layout.manifestKey(id)).isEmpty()) {
                continue; // already gone
            }
            Catalogue.Deleted n = catalogue.deleteBackup(id);
            objects += n.objects();
            bytes += n.bytes();
            removed.add(id.value());
            LOG.info("Retention: deleted {} ({})", id, String.join("; ", d.reasons()));
        }
        scope.options.put("deleted", String.join(",", removed));
        return new CleanupResult(removed, objects, bytes);
    }
}
