package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupState;
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
 * <p>How a plan is made:
 * <ol>
 *   <li>Only {@link BackupStatus#COMPLETED} backups take part. Any other (running, pending, failed) is kept,
 *       untouched and uncounted: removing those is {@code cleanUpInterrupted()}'s job, not retention's.</li>
 *   <li>Backups are planned in groups: the types that share a policy form one group (so {@code keepLast 3} keeps
 *       three backups, not three of each type), safety backups always form their own group, and with
 *       {@link RetentionRules#perType()} every type is its own group.</li>
 *   <li>In each group the keep rules run over the backups newest first (ties broken by id, newest id first); a
 *       backup is kept if any rule keeps it, with every rule that keeps it as a reason. The count-based rules
 *       ({@code keepLast}, daily, weekly, monthly, yearly) count only backups that restore everything they cover
 *       ({@link io.backupkit.api.BackupState#restoresEverything()}); in the safety group, every undamaged safety
 *       backup. {@code keepWithin} keeps whatever is recent. Without a keep rule every backup is kept, and only the
 *       caps delete.</li>
 *   <li>Pinned backups, the newest backup covering the database and the newest covering files that restore
 *       everything they cover (never a safety backup, a table-filtered, INCOMPLETE or DAMAGED one) are kept whatever
 *       the rules say: they are <em>protected</em>.</li>
 *   <li>{@code maxCount}, then {@code maxTotalBytes}: while the kept completed backups of the group exceed the
 *       cap, the oldest kept one that is not protected moves to the delete list. Protected backups count towards
 *       the cap but never move.</li>
 * </ol>
 * A type with no policy (and no default) keeps all its backups.
 */
final class RetentionPlanner {
    static final String NEWEST = "newest successful backup";
    static final String NEWEST_DATABASE = "newest successful database backup";
    static final String NEWEST_FILES = "newest successful files backup";
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
        Map<BackupId, String> newest = newestProtected(backups);

        List<Decision> keep = new ArrayList<>();
        List<Decision> delete = new ArrayList<>();
        Map<Object, List<BackupInfo>> groups = new LinkedHashMap<>();
        Map<Object, Optional<RetentionPolicy>> groupPolicy = new LinkedHashMap<>();
        for (BackupInfo b : backups) {
            if (b.status() != BackupStatus.COMPLETED) {
                keep.add(new Decision(b, List.of("status " + b.status() + ": retention only deletes completed backups")));
                continue;
            }
            Optional<RetentionPolicy> policy = rules.policyFor(b.type());
            if (policy.isEmpty()) {
                keep.add(new Decision(b, List.of("no retention policy for " + b.type().label() + " backups")));
                continue;
            }
            // Identity of the policy object: the default shared by several types is one group.
            Object key = rules.perType() || b.type() == BackupType.SAFETY ? b.type()
                    : new IdentityKey(policy.get());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(b);
            groupPolicy.put(key, policy);
        }
        groups.forEach((key, list) -> planGroup(key == BackupType.SAFETY, list, groupPolicy.get(key).get(), pinned,
                newest, now, zone, keep, delete));
        Comparator<Decision> order = Comparator.comparing(Decision::backup, NEWEST_FIRST);
        keep.sort(order);
        delete.sort(order);
        return new RetentionPlan(keep, delete);
    }

    /** A map key comparing policies by identity, so two types that merely have equal policies still share a group. */
    private record IdentityKey(RetentionPolicy policy) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k && k.policy == policy;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(policy);
        }
    }

    /** The newest backup covering the database and the newest covering files that can restore all they cover. */
    private static Map<BackupId, String> newestProtected(Collection<BackupInfo> backups) {
        List<BackupInfo> usable = backups.stream().filter(b -> b.status() == BackupStatus.COMPLETED
                && b.type() != BackupType.SAFETY && b.state().restoresEverything()).sorted(NEWEST_FIRST).toList();
        Optional<BackupId> db = usable.stream().filter(BackupInfo::coversDatabase).map(BackupInfo::id).findFirst();
        Optional<BackupId> files = usable.stream().filter(BackupInfo::coversFiles).map(BackupInfo::id).findFirst();
        Map<BackupId, String> out = new LinkedHashMap<>();
        if (db.isPresent() && db.equals(files)) {
            out.put(db.get(), NEWEST);
            return out;
        }
        db.ifPresent(id -> out.put(id, NEWEST_DATABASE));
        files.ifPresent(id -> out.put(id, NEWEST_FILES));
        return out;
    }

    private static void planGroup(boolean safetyGroup, List<BackupInfo> completed, RetentionPolicy policy,
                                  Set<BackupId> pinned, Map<BackupId, String> newest, Instant now, ZoneId zone,
                                  List<Decision> keep, List<Decision> delete) {
        completed.sort(NEWEST_FIRST);

        // LinkedHashMap keeps newest-first order for the caps below.
        Map<BackupInfo, List<String>> reasons = new LinkedHashMap<>();
        completed.forEach(b -> reasons.put(b, new ArrayList<>()));
        if (policy.hasKeepRule()) {
            List<BackupInfo> counted = completed.stream().filter(b -> safetyGroup ? !b.state().damaged()
                    : b.state().restoresEverything() && b.type() != BackupType.SAFETY).toList();
            applyKeepRules(policy, completed, counted, reasons, now, zone);
        } else {
            reasons.values().forEach(r -> r.add("within caps"));
        }
        for (BackupInfo b : completed) {
            if (pinned.contains(b.id())) {
                reasons.get(b).add(PINNED);
            }
            if (newest.containsKey(b.id())) {
                reasons.get(b).add(newest.get(b.id()));
            }
        }

        List<BackupInfo> kept = new ArrayList<>();
        for (BackupInfo b : completed) {
            if (reasons.get(b).isEmpty()) {
                delete.add(new Decision(b, List.of(noRule(b, safetyGroup))));
            } else {
                kept.add(b);
            }
        }
        Set<BackupId> protectedIds = new HashSet<>(pinned);
        protectedIds.addAll(newest.keySet());
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

    /** Why nothing keeps a backup; says so when it was not counted by the count-based rules. */
    private static String noRule(BackupInfo b, boolean safetyGroup) {
        if (b.state().damaged()) {
            return NO_RULE + " (" + b.state().integrity() + ": not counted by count-based rules)";
        }
        if (!safetyGroup && !b.state().restoresEverything()) {
            return NO_RULE + " (" + (b.state().completeness() == BackupState.Completeness.INCOMPLETE
                    ? "INCOMPLETE" : "partial: " + b.state().partial()) + ", not counted by count-based rules)";
        }
        return NO_RULE;
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

    /** {@code counted}: the backups (newest first) that fill count-based slots; {@code keepWithin} looks at all. */
    private static void applyKeepRules(RetentionPolicy p, List<BackupInfo> all, List<BackupInfo> newestFirst,
                                       Map<BackupInfo, List<String>> reasons, Instant now, ZoneId zone) {
        for (int i = 0; i < Math.min(p.keepLast(), newestFirst.size()); i++) {
            reasons.get(newestFirst.get(i)).add("last " + p.keepLast());
        }
        p.keepWithin().ifPresent(d -> {
            Instant cutoff = now.minus(d);
            String why = "within " + RetentionPolicy.formatDuration(d);
            all.stream().filter(b -> !b.createdAt().isBefore(cutoff)).forEach(b -> reasons.get(b).add(why));
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
