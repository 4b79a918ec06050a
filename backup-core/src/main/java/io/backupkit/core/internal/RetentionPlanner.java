package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionPlan.Decision;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Computes a {@link RetentionPlan}: a pure function of the backups, the rules, the pinned ids, the time and the
 * time zone, so a dry run and the real clean-up agree exactly.
 *
 * <p>How a plan is made, for each backup type separately with that type's policy:
 * <ol>
 *   <li>Only {@link BackupStatus#COMPLETED} backups take part. Any other (running, pending, failed) is kept,
 *       untouched and uncounted: removing those is {@code cleanUpInterrupted()}'s job, not retention's.</li>
 *   <li>The keep rules of {@link RetentionPolicy} run over the completed backups newest first (ties broken by
 *       id, newest id first); a backup is kept if any rule keeps it, with every rule that keeps it as a reason.
 *       Without a keep rule every backup is kept, and only the caps delete.</li>
 *   <li>Pinned backups and the newest completed backup of all types ("newest successful backup") are kept
 *       whatever the rules say: they are <em>protected</em>.</li>
 *   <li>{@code maxCount}, then {@code maxTotalBytes}: while the kept completed backups of the type exceed the
 *       cap, the oldest kept one that is not protected moves to the delete list. Protected backups count
 *       towards the cap but never move.</li>
 * </ol>
 * A type with no policy (and no default) keeps all its backups.
 */
public final class RetentionPlanner {
    static final String NEWEST = "newest successful backup";
    static final String PINNED = "pinned";
    static final String NO_RULE = "no rule keeps it";

    private static final Comparator<BackupInfo> NEWEST_FIRST = Comparator.comparing(BackupInfo::createdAt)
            .thenComparing(BackupInfo::id).reversed();

    private RetentionPlanner() {
    }

    /** The plan with one policy for every type. */
    public static RetentionPlan plan(Collection<BackupInfo> backups, RetentionPolicy policy, Set<BackupId> pinned,
                                     Instant now, ZoneId zone) {
        return plan(backups, RetentionRules.of(policy), pinned, now, zone);
    }

    /**
     * The plan for a set of backups.
     *
     * @param backups every backup in the storage (typically {@code engine.list(BackupQuery.all())})
     * @param rules   the policies per type
     * @param pinned  ids never to delete; ids that are not among the backups are ignored
     * @param now     the time {@code keepWithin} measures from
     * @param zone    the time zone that days, weeks, months and years are counted in
     * @throws IllegalArgumentException if a backup id appears twice
     */
    public static RetentionPlan plan(Collection<BackupInfo> backups, RetentionRules rules, Set<BackupId> pinned,
                                     Instant now, ZoneId zone) {
        Objects.requireNonNull(backups, "backups");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(pinned, "pinned");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(zone, "zone");
        Set<BackupId> seen = new HashSet<>();
        for (BackupInfo b : backups) {
            Objects.requireNonNull(b, "backup in list");
            if (!seen.add(b.id())) {
                throw new IllegalArgumentException("backup " + b.id() + " appears twice in the list to plan retention for");
            }
        }
        Optional<BackupId> newest = backups.stream().filter(b -> b.status() == BackupStatus.COMPLETED)
                .sorted(NEWEST_FIRST).map(BackupInfo::id).findFirst();

        Map<BackupType, List<BackupInfo>> byType = new EnumMap<>(BackupType.class);
        for (BackupInfo b : backups) {
            byType.computeIfAbsent(b.type(), t -> new ArrayList<>()).add(b);
        }
        List<Decision> keep = new ArrayList<>();
        List<Decision> delete = new ArrayList<>();
        byType.forEach((type, list) -> planType(type, list, rules.policyFor(type), pinned, newest, now, zone, keep, delete));
        Comparator<Decision> order = Comparator.comparing(Decision::backup, NEWEST_FIRST);
        keep.sort(order);
        delete.sort(order);
        return new RetentionPlan(keep, delete);
    }

    private static void planType(BackupType type, List<BackupInfo> backups, Optional<RetentionPolicy> maybePolicy,
                                 Set<BackupId> pinned, Optional<BackupId> newest, Instant now, ZoneId zone,
                                 List<Decision> keep, List<Decision> delete) {
        List<BackupInfo> completed = new ArrayList<>();
        for (BackupInfo b : backups) {
            if (b.status() == BackupStatus.COMPLETED) {
                completed.add(b);
            } else {
                keep.add(new Decision(b, List.of("status " + b.status() + ": retention only deletes completed backups")));
            }
        }
        if (maybePolicy.isEmpty()) {
            completed.forEach(b -> keep.add(new Decision(b, List.of("no retention policy for " + type.label() + " backups"))));
            return;
        }
        RetentionPolicy policy = maybePolicy.get();
        completed.sort(NEWEST_FIRST);

        // LinkedHashMap keeps newest-first order for the caps below.
        Map<BackupInfo, List<String>> reasons = new LinkedHashMap<>();
        completed.forEach(b -> reasons.put(b, new ArrayList<>()));
        if (policy.hasKeepRule()) {
            applyKeepRules(policy, completed, reasons, now, zone);
        } else {
            reasons.values().forEach(r -> r.add("within caps"));
        }
        for (BackupInfo b : completed) {
            if (pinned.contains(b.id())) {
                reasons.get(b).add(PINNED);
            }
            if (newest.isPresent() && newest.get().equals(b.id())) {
                reasons.get(b).add(NEWEST);
            }
        }

        List<BackupInfo> kept = new ArrayList<>();
        for (BackupInfo b : completed) {
            if (reasons.get(b).isEmpty()) {
                delete.add(new Decision(b, List.of(NO_RULE)));
            } else {
                kept.add(b);
            }
        }
        Set<BackupId> protectedIds = new HashSet<>(pinned);
        newest.ifPresent(protectedIds::add);
        if (policy.maxCount() > 0) {
            String why = "over max count " + policy.maxCount();
            cap(kept, reasons, protectedIds, delete, List::size, policy.maxCount(), why);
        }
        if (policy.maxTotalBytes() > 0) {
            String why = "over max total size " + policy.maxTotalBytes() + " bytes";
            cap(kept, reasons, protectedIds, delete,
                    l -> l.stream().mapToLong(BackupInfo::storedBytes).sum(), policy.maxTotalBytes(), why);
        }
        kept.forEach(b -> keep.add(new Decision(b, reasons.get(b))));
    }

    /** Moves the oldest unprotected kept backups to the delete list while {@code measure(kept) > limit}. */
    private static void cap(List<BackupInfo> kept, Map<BackupInfo, List<String>> reasons, Set<BackupId> protectedIds,
                            List<Decision> delete, Function<List<BackupInfo>, Number> measure, long limit, String why) {
        for (int i = kept.size() - 1; i >= 0 && measure.apply(kept).longValue() > limit; i--) {
            BackupInfo oldest = kept.get(i);
            if (!protectedIds.contains(oldest.id())) {
                kept.remove(i);
                delete.add(new Decision(oldest, List.of(why + " (was kept by: " + String.join(", ", reasons.get(oldest)) + ")")));
            }
        }
    }

    private static void applyKeepRules(RetentionPolicy p, List<BackupInfo> newestFirst,
                                       Map<BackupInfo, List<String>> reasons, Instant now, ZoneId zone) {
        for (int i = 0; i < Math.min(p.keepLast(), newestFirst.size()); i++) {
            reasons.get(newestFirst.get(i)).add("last " + p.keepLast());
        }
        p.keepWithin().ifPresent(d -> {
            Instant cutoff = now.minus(d);
            String why = "within " + RetentionPolicy.formatDuration(d);
            newestFirst.stream().filter(b -> !b.createdAt().isBefore(cutoff)).forEach(b -> reasons.get(b).add(why));
        });
        bucket(newestFirst, reasons, p.keepDaily(), "daily", t -> t.toLocalDate().toString(), zone);
        bucket(newestFirst, reasons, p.keepWeekly(), "weekly",
                t -> String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)), zone);
        bucket(newestFirst, reasons, p.keepMonthly(), "monthly", t -> String.format("%d-%02d", t.getYear(), t.getMonthValue()), zone);
        bucket(newestFirst, reasons, p.keepYearly(), "yearly", t -> Integer.toString(t.getYear()), zone);
    }

    /** restic's bucket rule: walking newest first, keep a backup whenever its period differs from the last kept one's. */
    private static void bucket(List<BackupInfo> newestFirst, Map<BackupInfo, List<String>> reasons, int count,
                               String rule, Function<ZonedDateTime, String> period, ZoneId zone) {
        int left = count;
        String last = null;
        for (BackupInfo b : newestFirst) {
            if (left == 0) {
                return;
            }
            String value = period.apply(b.createdAt().atZone(zone));
            if (!value.equals(last)) {
                reasons.get(b).add(rule + " " + value);
                last = value;
                left--;
            }
        }
    }
}
