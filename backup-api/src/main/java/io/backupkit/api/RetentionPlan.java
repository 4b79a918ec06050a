package io.backupkit.api;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a retention clean-up keeps and deletes, with the reasons, like restic's {@code forget} output. A dry run
 * returns this plan and changes nothing; applying it deletes exactly {@link #delete()}. Both lists are ordered
 * newest first.
 *
 * @param keep   the backups that stay, each with the rules that keep it
 * @param delete the backups to delete, each with why (no rule keeps it, or a cap removes it)
 */
public record RetentionPlan(List<Decision> keep, List<Decision> delete) {

    public RetentionPlan {
        keep = List.copyOf(keep);
        delete = List.copyOf(delete);
    }

    /** The ids of the backups to delete, newest first. */
    public List<BackupId> deleteIds() {
        return delete.stream().map(d -> d.backup().id()).toList();
    }

    /** The ids of the backups kept. */
    public Set<BackupId> keepIds() {
        return keep.stream().map(d -> d.backup().id()).collect(Collectors.toUnmodifiableSet());
    }

    /** Stored bytes the deletions free. */
    public long bytesToFree() {
        return delete.stream().mapToLong(d -> d.backup().storedBytes()).sum();
    }

    /** Whether nothing would be deleted. */
    public boolean deletesNothing() {
        return delete.isEmpty();
    }

    /** A human-readable table: one line per backup with its decision and reasons. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("keep ").append(keep.size()).append(keep.size() == 1 ? " backup" : " backups").append('\n');
        keep.forEach(d -> sb.append("  ").append(d).append('\n'));
        sb.append("delete ").append(delete.size()).append(delete.size() == 1 ? " backup" : " backups")
                .append(" (").append(bytesToFree()).append(" bytes)").append('\n');
        delete.forEach(d -> sb.append("  ").append(d).append('\n'));
        return sb.toString();
    }

    /**
     * One backup and why it is kept or deleted.
     *
     * @param backup  the backup
     * @param reasons e.g. {@code last 7}, {@code daily 2026-03-04}, {@code weekly 2026-W10}, {@code pinned},
     *                {@code newest successful backup}; for a deletion e.g. {@code no rule keeps it}
     */
    public record Decision(BackupInfo backup, List<String> reasons) {
        public Decision {
            Objects.requireNonNull(backup, "backup");
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException("a retention decision needs a reason, for " + backup.id());
            }
        }

        @Override
        public String toString() {
            return backup.id() + "  " + backup.type().label() + "  "
                    + DateTimeFormatter.ISO_INSTANT.format(backup.createdAt()) + "  " + String.join(", ", reasons);
        }
    }
}
