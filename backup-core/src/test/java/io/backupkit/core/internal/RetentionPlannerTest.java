package io.backupkit.core.internal;

import static io.backupkit.core.internal.RetentionHistory.BERLIN;
import static io.backupkit.core.internal.RetentionHistory.UTC;
import static io.backupkit.core.internal.RetentionHistory.berlin;
import static io.backupkit.core.internal.RetentionHistory.find;
import static io.backupkit.core.internal.RetentionHistory.label;
import static io.backupkit.core.internal.RetentionHistory.labels;
import static io.backupkit.core.internal.RetentionHistory.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionPlan.Decision;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retention plans over a synthetic 434-day history ({@link RetentionHistory#daily}): each table gives a policy and the
 * exact set of backups it keeps, written out by hand from the calendar (2026-03-10 is a Tuesday; ISO week
 * 2026-W01 runs from Monday 2025-12-29).
 */
class RetentionPlannerTest {
    private static final List<BackupInfo> HISTORY = RetentionHistory.daily(BackupType.FULL);
    private static final Instant NOW = berlin("2026-03-10 12:00");

    private static RetentionPolicy.Builder policy() {
        return RetentionPolicy.builder();
    }

    private static RetentionPlan plan(RetentionPolicy policy, Set<BackupId> pinned) {
        return RetentionPlanner.plan(HISTORY, policy, pinned, NOW, BERLIN);
    }

    /** Checks the plan keeps exactly {@code expected}, deletes every other backup, and each has a reason. */
    private static void assertKeeps(RetentionPlan plan, Set<String> expected) {
        assertThat(labels(plan.keep().stream().map(Decision::backup).toList(), b -> true)).isEqualTo(expected);
        assertThat(plan.keep().size() + plan.delete().size()).isEqualTo(HISTORY.size());
        Set<BackupId> deleted = new HashSet<>(plan.deleteIds());
        assertThat(deleted).doesNotContainAnyElementsOf(plan.keepIds());
        assertThat(plan.keep()).allSatisfy(d -> assertThat(d.reasons()).isNotEmpty());
        assertThat(plan.delete()).allSatisfy(d -> assertThat(d.reasons()).isNotEmpty());
    }

    @Test
    void historyIsOverFourHundredDays() {
        // 414 days; second backups on the 1st and 15th of 14 months and on 2026-03-01, none on 2025-06-15 (gap)
        assertThat(HISTORY).hasSize(414 + 2 * 14 + 1 - 1);
        assertThat(Duration.between(HISTORY.get(0).createdAt(), HISTORY.get(HISTORY.size() - 1).createdAt()).toDays())
                .isGreaterThanOrEqualTo(400);
    }

    static Stream<Arguments> keepLast() {
        return Stream.of(
                Arguments.of(1, set("2026-03-10 02:00")),
                Arguments.of(5, set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00", "2026-03-07 02:00",
                        "2026-03-06 02:00")),
                // crosses the two backups of 03-01 and the missing 02-28
                Arguments.of(12, set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00", "2026-03-07 02:00",
                        "2026-03-06 02:00", "2026-03-05 02:00", "2026-03-04 02:00", "2026-03-03 02:00",
                        "2026-03-02 02:00", "2026-03-01 14:00", "2026-03-01 02:00", "2026-02-27 02:00")));
    }

    @ParameterizedTest(name = "keepLast {0}")
    @MethodSource
    void keepLast(int n, Set<String> expected) {
        RetentionPlan plan = plan(policy().keepLast(n).build(), Set.of());
        assertKeeps(plan, expected);
        assertThat(plan.keep()).allSatisfy(d -> assertThat(d.reasons()).contains("last " + n));
    }

    static Stream<Arguments> keepWithin() {
        return Stream.of(
                Arguments.of(Duration.ofDays(3), set("2026-03-08 02:00", "2026-03-09 02:00", "2026-03-10 02:00")),
                Arguments.of(Duration.ofHours(36), set("2026-03-09 02:00", "2026-03-10 02:00")),
                // the cutoff is 2026-03-08 02:00 exactly: inclusive
                Arguments.of(Duration.ofHours(58), set("2026-03-08 02:00", "2026-03-09 02:00", "2026-03-10 02:00")),
                Arguments.of(Duration.ofDays(10), set("2026-03-01 02:00", "2026-03-01 14:00", "2026-03-02 02:00",
                        "2026-03-03 02:00", "2026-03-04 02:00", "2026-03-05 02:00", "2026-03-06 02:00",
                        "2026-03-07 02:00", "2026-03-08 02:00", "2026-03-09 02:00", "2026-03-10 02:00")));
    }

    @ParameterizedTest(name = "keepWithin {0}")
    @MethodSource
    void keepWithin(Duration within, Set<String> expected) {
        RetentionPlan plan = plan(policy().keepWithin(within).build(), Set.of());
        assertKeeps(plan, expected);
        assertThat(plan.keep()).allSatisfy(d -> assertThat(d.reasons()).contains("within " + RetentionPolicy.formatDuration(within)));
    }

    static Stream<Arguments> keepDaily() {
        return Stream.of(
                Arguments.of(3, set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00")),
                // 03-01 has two backups: the newest (14:00) is that day's; 02-28 has none and uses no count
                Arguments.of(12, set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00", "2026-03-07 02:00",
                        "2026-03-06 02:00", "2026-03-05 02:00", "2026-03-04 02:00", "2026-03-03 02:00",
                        "2026-03-02 02:00", "2026-03-01 14:00", "2026-02-27 02:00", "2026-02-26 02:00")));
    }

    @ParameterizedTest(name = "keepDaily {0}")
    @MethodSource
    void keepDaily(int n, Set<String> expected) {
        RetentionPlan plan = plan(policy().keepDaily(n).build(), Set.of());
        assertKeeps(plan, expected);
        assertThat(plan.keep()).allSatisfy(d -> assertThat(d.reasons())
                .contains("daily " + d.backup().createdAt().atZone(BERLIN).toLocalDate()));
    }

    static Stream<Arguments> keepWeekly() {
        return Stream.of(
                Arguments.of(5, set("2026-03-10 02:00", "2026-03-08 02:00", "2026-03-01 14:00", "2026-02-22 02:00",
                        "2026-02-15 14:00")),
                // across the year end: 2026-W01 starts on Monday 2025-12-29 (no backups 12-24..12-31)
                Arguments.of(14, set("2026-03-10 02:00", "2026-03-08 02:00", "2026-03-01 14:00", "2026-02-22 02:00",
                        "2026-02-15 14:00", "2026-02-08 02:00", "2026-02-01 14:00", "2026-01-25 02:00",
                        "2026-01-18 02:00", "2026-01-11 02:00", "2026-01-04 02:00", "2025-12-23 02:00",
                        "2025-12-21 02:00", "2025-12-14 02:00")));
    }

    @ParameterizedTest(name = "keepWeekly {0}")
    @MethodSource
    void keepWeekly(int n, Set<String> expected) {
        assertKeeps(plan(policy().keepWeekly(n).build(), Set.of()), expected);
    }

    static Stream<Arguments> keepMonthly() {
        return Stream.of(
                Arguments.of(1, set("2026-03-10 02:00")),
                Arguments.of(12, set("2026-03-10 02:00", "2026-02-27 02:00", "2026-01-31 02:00", "2025-12-23 02:00",
                        "2025-11-30 02:00", "2025-10-31 02:00", "2025-09-30 02:00", "2025-08-31 02:00",
                        "2025-07-31 02:00", "2025-06-30 02:00", "2025-05-31 02:00", "2025-04-30 02:00")),
                Arguments.of(Integer.MAX_VALUE, set("2026-03-10 02:00", "2026-02-27 02:00", "2026-01-31 02:00",
                        "2025-12-23 02:00", "2025-11-30 02:00", "2025-10-31 02:00", "2025-09-30 02:00",
                        "2025-08-31 02:00", "2025-07-31 02:00", "2025-06-30 02:00", "2025-05-31 02:00",
                        "2025-04-30 02:00", "2025-03-31 02:00", "2025-02-28 02:00", "2025-01-31 02:00")));
    }

    @ParameterizedTest(name = "keepMonthly {0}")
    @MethodSource
    void keepMonthly(int n, Set<String> expected) {
        assertKeeps(plan(policy().keepMonthly(n).build(), Set.of()), expected);
    }

    static Stream<Arguments> keepYearly() {
        return Stream.of(
                Arguments.of(1, set("2026-03-10 02:00")),
                // only two years have backups: a count of 3 keeps two
                Arguments.of(3, set("2026-03-10 02:00", "2025-12-23 02:00")));
    }

    @ParameterizedTest(name = "keepYearly {0}")
    @MethodSource
    void keepYearly(int n, Set<String> expected) {
        assertKeeps(plan(policy().keepYearly(n).build(), Set.of()), expected);
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                // any rule keeps: the union of last 3, daily 7, weekly 5, monthly 12, yearly 3
                Arguments.of("GFS", policy().keepLast(3).keepDaily(7).keepWeekly(5).keepMonthly(12).keepYearly(3).build(),
                        set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00", "2026-03-07 02:00",
                                "2026-03-06 02:00", "2026-03-05 02:00", "2026-03-04 02:00", "2026-03-01 14:00",
                                "2026-02-27 02:00", "2026-02-22 02:00", "2026-02-15 14:00", "2026-01-31 02:00",
                                "2025-12-23 02:00", "2025-11-30 02:00", "2025-10-31 02:00", "2025-09-30 02:00",
                                "2025-08-31 02:00", "2025-07-31 02:00", "2025-06-30 02:00", "2025-05-31 02:00",
                                "2025-04-30 02:00")),
                // within 10d (11 backups) + monthly 3 (adds 02-27, 01-31) = 13, capped to 10: the 3 oldest go
                Arguments.of("within+monthly, max 10", policy().keepWithin(Duration.ofDays(10)).keepMonthly(3).maxCount(10).build(),
                        set("2026-03-01 14:00", "2026-03-02 02:00", "2026-03-03 02:00", "2026-03-04 02:00",
                                "2026-03-05 02:00", "2026-03-06 02:00", "2026-03-07 02:00", "2026-03-08 02:00",
                                "2026-03-09 02:00", "2026-03-10 02:00")),
                // daily 12 = 14000 bytes; 11500 cap drops 02-26, 02-27 and the 3000-byte 03-01 14:00 (oldest first)
                Arguments.of("daily 12, max 11500 bytes", policy().keepDaily(12).maxTotalBytes(11_500).build(),
                        set("2026-03-02 02:00", "2026-03-03 02:00", "2026-03-04 02:00", "2026-03-05 02:00",
                                "2026-03-06 02:00", "2026-03-07 02:00", "2026-03-08 02:00", "2026-03-09 02:00",
                                "2026-03-10 02:00")),
                Arguments.of("daily 12, max 10", policy().keepDaily(12).maxCount(10).build(),
                        set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00", "2026-03-07 02:00",
                                "2026-03-06 02:00", "2026-03-05 02:00", "2026-03-04 02:00", "2026-03-03 02:00",
                                "2026-03-02 02:00", "2026-03-01 14:00")),
                // caps alone keep the newest that fit
                Arguments.of("max 3 only", policy().maxCount(3).build(),
                        set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00")),
                Arguments.of("max 2500 bytes only", policy().maxTotalBytes(2_500).build(),
                        set("2026-03-10 02:00", "2026-03-09 02:00")),
                Arguments.of("weekly 2 + yearly 2", policy().keepWeekly(2).keepYearly(2).build(),
                        set("2026-03-10 02:00", "2026-03-08 02:00", "2025-12-23 02:00")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void combinations(String name, RetentionPolicy policy, Set<String> expected) {
        assertKeeps(plan(policy, Set.of()), expected);
    }

    @Test
    void reasonsNameEveryRuleThatKeepsABackup() {
        RetentionPlan plan = plan(policy().keepLast(3).keepDaily(7).keepWeekly(5).keepMonthly(12).keepYearly(3).build(), Set.of());
        Decision newest = plan.keep().get(0);
        assertThat(label(newest.backup())).isEqualTo("2026-03-10 02:00");
        assertThat(newest.reasons()).containsExactly("last 3", "daily 2026-03-10", "weekly 2026-W11", "monthly 2026-03",
                "yearly 2026", "newest successful backup");
        Decision december = plan.keep().stream().filter(d -> label(d.backup()).equals("2025-12-23 02:00")).findFirst().orElseThrow();
        assertThat(december.reasons()).containsExactly("monthly 2025-12", "yearly 2025");
        assertThat(plan.delete()).allSatisfy(d -> assertThat(d.reasons()).containsExactly("no rule keeps it"));
        assertThat(plan.describe()).contains("keep 21 backups").contains("2026-03-10").contains("weekly 2026-W11");
    }

    @Test
    void capDeletionsSayWhichRuleHadKeptTheBackup() {
        RetentionPlan plan = plan(policy().keepDaily(12).maxCount(10).build(), Set.of());
        Decision oldest = plan.delete().stream().filter(d -> label(d.backup()).equals("2026-02-26 02:00")).findFirst().orElseThrow();
        assertThat(oldest.reasons()).containsExactly("over max count 10 (was kept by: daily 2026-02-26)");
        assertThat(plan.bytesToFree()).isEqualTo(plan.delete().stream().mapToLong(d -> d.backup().storedBytes()).sum());
    }

    @Test
    void pinnedBackupsSurviveEveryRuleAndCap() {
        BackupId pinnedOld = find(HISTORY, "2025-03-03 02:00").id();
        BackupId pinnedMid = find(HISTORY, "2026-01-15 14:00").id();
        RetentionPlan daily = plan(policy().keepDaily(3).build(), Set.of(pinnedOld, pinnedMid));
        assertKeeps(daily, set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00", "2025-03-03 02:00",
                "2026-01-15 14:00"));
        assertThat(daily.keep().stream().filter(d -> d.backup().id().equals(pinnedOld)).findFirst().orElseThrow().reasons())
                .containsExactly("pinned");

        // protected backups count towards a cap but are never removed, even when they alone exceed it
        RetentionPlan capped = plan(policy().maxCount(1).build(), Set.of(pinnedOld));
        assertKeeps(capped, set("2026-03-10 02:00", "2025-03-03 02:00"));
        RetentionPlan bytes = plan(policy().keepLast(30).maxTotalBytes(1).build(), Set.of(pinnedMid));
        assertKeeps(bytes, set("2026-03-10 02:00", "2026-01-15 14:00"));
    }

    @Test
    void pinnedIdsThatAreNotListedAreIgnored() {
        RetentionPlan plan = plan(policy().keepLast(1).build(), Set.of(BackupId.of("20200101T000000Z-full")));
        assertKeeps(plan, set("2026-03-10 02:00"));
    }

    @Test
    void safetyBackupsAreNeverTheProtectedNewestBackup() {
        // Safety backups kept 7 days; the last one is 30 days old and is the newest completed backup of all, but a
        // safety backup holds only what one restore overwrote: its own policy alone decides.
        List<BackupInfo> backups = new ArrayList<>();
        backups.add(RetentionHistory.backup(BackupType.SAFETY, java.time.LocalDateTime.parse("2026-02-01T10:00"), 10));
        backups.add(RetentionHistory.backup(BackupType.SAFETY, java.time.LocalDateTime.parse("2026-02-08T10:00"), 10));
        // newer, but not successful: they neither count as the newest nor get deleted
        backups.add(RetentionHistory.at(BackupType.FULL, berlin("2026-03-09 02:00"), 10, BackupStatus.FAILED));
        backups.add(RetentionHistory.at(BackupType.FULL, berlin("2026-03-10 02:00"), 10, BackupStatus.RUNNING));
        RetentionRules rules = RetentionRules.builder()
                .policy(BackupType.SAFETY, policy().keepWithin(Duration.ofDays(7)).build())
                .defaultPolicy(policy().keepLast(1).build())
                .build();
        RetentionPlan plan = RetentionPlanner.plan(backups, rules, Set.of(), NOW, BERLIN);
        assertThat(labels(plan.keep().stream().map(Decision::backup).toList(), b -> true))
                .containsExactlyInAnyOrder("2026-03-09 02:00", "2026-03-10 02:00");
        assertThat(plan.keep()).filteredOn(d -> d.backup().status() == BackupStatus.RUNNING)
                .singleElement().satisfies(d -> assertThat(d.reasons()).containsExactly("status RUNNING: retention only deletes completed backups"));
        assertThat(labels(plan.delete().stream().map(Decision::backup).toList(), b -> true))
                .containsExactlyInAnyOrder("2026-02-01 10:00", "2026-02-08 10:00");
    }

    @Test
    void newestSuccessfulBackupSurvivesACapOfItsOwnType() {
        List<BackupInfo> backups = new ArrayList<>(HISTORY);
        RetentionPlan plan = RetentionPlanner.plan(backups, policy().maxTotalBytes(1).build(), Set.of(), NOW, BERLIN);
        assertKeeps(plan, set("2026-03-10 02:00"));
    }

    @Test
    void policiesApplyPerTypeAndTypesWithoutOneAreKept() {
        List<BackupInfo> backups = new ArrayList<>(HISTORY);
        for (String t : List.of("2026-03-09 09:00", "2026-03-05 09:00", "2026-03-02 09:00", "2026-02-20 09:00")) {
            backups.add(RetentionHistory.at(BackupType.SAFETY, berlin(t), 50, BackupStatus.COMPLETED));
        }
        for (String t : List.of("2025-01-02 03:00", "2025-07-02 03:00")) {
            backups.add(RetentionHistory.at(BackupType.DATABASE, berlin(t), 50, BackupStatus.COMPLETED));
        }
        RetentionRules rules = RetentionRules.builder()
                .policy(BackupType.FULL, policy().keepDaily(3).build())
                .policy(BackupType.SAFETY, policy().keepWithin(Duration.ofDays(7)).build())
                .build();
        RetentionPlan plan = RetentionPlanner.plan(backups, rules, Set.of(), NOW, BERLIN);
        assertThat(labels(plan.keep().stream().map(Decision::backup).toList(), b -> b.type() == BackupType.FULL))
                .isEqualTo(set("2026-03-10 02:00", "2026-03-09 02:00", "2026-03-08 02:00"));
        assertThat(labels(plan.keep().stream().map(Decision::backup).toList(), b -> b.type() == BackupType.SAFETY))
                .isEqualTo(set("2026-03-09 09:00", "2026-03-05 09:00"));
        assertThat(plan.keep()).filteredOn(d -> d.backup().type() == BackupType.DATABASE).hasSize(2)
                .allSatisfy(d -> assertThat(d.reasons()).containsExactly("no retention policy for database backups"));
        assertThat(plan.keep().size() + plan.delete().size()).isEqualTo(backups.size());
    }

    @Test
    void isoWeeksAndYearsAreCountedInTheirOwnCalendars() {
        // 2025-12-31 (Wednesday) is in ISO week 2026-W01 but in calendar year 2025
        List<BackupInfo> backups = List.of(
                RetentionHistory.at(BackupType.FULL, berlin("2025-12-28 12:00"), 1, BackupStatus.COMPLETED),
                RetentionHistory.at(BackupType.FULL, berlin("2025-12-29 12:00"), 1, BackupStatus.COMPLETED),
                RetentionHistory.at(BackupType.FULL, berlin("2025-12-31 12:00"), 1, BackupStatus.COMPLETED),
                RetentionHistory.at(BackupType.FULL, berlin("2026-01-05 12:00"), 1, BackupStatus.COMPLETED));
        RetentionPlan weekly = RetentionPlanner.plan(backups, policy().keepWeekly(3).build(), Set.of(), NOW, BERLIN);
        assertThat(reasonsByLabel(weekly)).containsExactly(
                "2026-01-05 12:00: weekly 2026-W02, newest successful backup",
                "2025-12-31 12:00: weekly 2026-W01",
                "2025-12-28 12:00: weekly 2025-W52");
        RetentionPlan yearly = RetentionPlanner.plan(backups, policy().keepYearly(2).build(), Set.of(), NOW, BERLIN);
        assertThat(reasonsByLabel(yearly)).containsExactly(
                "2026-01-05 12:00: yearly 2026, newest successful backup",
                "2025-12-31 12:00: yearly 2025");
    }

    @Test
    void periodsFollowTheTimeZoneAcrossYearAndMonthEnds() {
        List<BackupInfo> backups = List.of(
                RetentionHistory.at(BackupType.FULL, Instant.parse("2024-06-01T12:00:00Z"), 1, BackupStatus.COMPLETED),
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-12-31T12:00:00Z"), 1, BackupStatus.COMPLETED),
                // 2026-01-01 00:30 in Berlin, still 2025 in UTC
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-12-31T23:30:00Z"), 1, BackupStatus.COMPLETED));
        RetentionPolicy yearly2 = policy().keepYearly(2).build();
        assertThat(keptInstants(RetentionPlanner.plan(backups, yearly2, Set.of(), NOW, BERLIN)))
                .containsExactly("2025-12-31T23:30:00Z", "2025-12-31T12:00:00Z");
        assertThat(keptInstants(RetentionPlanner.plan(backups, yearly2, Set.of(), NOW, UTC)))
                .containsExactly("2025-12-31T23:30:00Z", "2024-06-01T12:00:00Z");

        List<BackupInfo> monthEnd = List.of(
                RetentionHistory.at(BackupType.FULL, Instant.parse("2026-01-15T12:00:00Z"), 1, BackupStatus.COMPLETED),
                RetentionHistory.at(BackupType.FULL, Instant.parse("2026-01-31T12:00:00Z"), 1, BackupStatus.COMPLETED),
                // 2026-02-01 00:30 in Berlin
                RetentionHistory.at(BackupType.FULL, Instant.parse("2026-01-31T23:30:00Z"), 1, BackupStatus.COMPLETED));
        RetentionPolicy monthly2 = policy().keepMonthly(2).build();
        assertThat(keptInstants(RetentionPlanner.plan(monthEnd, monthly2, Set.of(), NOW, BERLIN)))
                .containsExactly("2026-01-31T23:30:00Z", "2026-01-31T12:00:00Z");
        assertThat(keptInstants(RetentionPlanner.plan(monthEnd, monthly2, Set.of(), NOW, UTC)))
                .containsExactly("2026-01-31T23:30:00Z");
    }

    @Test
    void daysFollowBerlinAcrossDaylightSavingChanges() {
        // 2025-10-26: clocks go back at 03:00 CEST to 02:00 CET, so 02:30 happens twice; the day has 25 hours.
        List<BackupInfo> autumn = List.of(
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-10-25T21:30:00Z"), 1, BackupStatus.COMPLETED), // 10-25 23:30 CEST
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-10-25T22:30:00Z"), 1, BackupStatus.COMPLETED), // 10-26 00:30 CEST
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-10-26T00:30:00Z"), 1, BackupStatus.COMPLETED), // 02:30 CEST
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-10-26T01:30:00Z"), 1, BackupStatus.COMPLETED), // 02:30 CET
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-10-26T22:30:00Z"), 1, BackupStatus.COMPLETED), // 10-26 23:30 CET
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-10-26T23:30:00Z"), 1, BackupStatus.COMPLETED)); // 10-27 00:30 CET
        RetentionPolicy daily3 = policy().keepDaily(3).build();
        assertThat(keptInstants(RetentionPlanner.plan(autumn, daily3, Set.of(), NOW, BERLIN)))
                .containsExactly("2025-10-26T23:30:00Z", "2025-10-26T22:30:00Z", "2025-10-25T21:30:00Z");
        assertThat(keptInstants(RetentionPlanner.plan(autumn, daily3, Set.of(), NOW, UTC)))
                .containsExactly("2025-10-26T23:30:00Z", "2025-10-25T22:30:00Z");

        // 2025-03-30: clocks jump from 02:00 CET to 03:00 CEST; the day has 23 hours.
        List<BackupInfo> spring = List.of(
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-03-29T23:30:00Z"), 1, BackupStatus.COMPLETED), // 03-30 00:30 CET
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-03-30T01:30:00Z"), 1, BackupStatus.COMPLETED), // 03:30 CEST
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-03-30T21:59:00Z"), 1, BackupStatus.COMPLETED), // 23:59 CEST
                RetentionHistory.at(BackupType.FULL, Instant.parse("2025-03-30T22:00:00Z"), 1, BackupStatus.COMPLETED)); // 03-31 00:00 CEST
        RetentionPolicy daily2 = policy().keepDaily(2).build();
        assertThat(keptInstants(RetentionPlanner.plan(spring, daily2, Set.of(), NOW, BERLIN)))
                .containsExactly("2025-03-30T22:00:00Z", "2025-03-30T21:59:00Z");
        assertThat(keptInstants(RetentionPlanner.plan(spring, daily2, Set.of(), NOW, UTC)))
                .containsExactly("2025-03-30T22:00:00Z", "2025-03-29T23:30:00Z");

        // keepWithin is elapsed time, not calendar days: 24 hours before 10-26 23:00 CET is 10-26 00:00 CEST
        RetentionPlan within = RetentionPlanner.plan(autumn, policy().keepWithin(Duration.ofHours(24)).build(), Set.of(),
                Instant.parse("2025-10-26T22:00:00Z"), BERLIN);
        assertThat(keptInstants(within)).containsExactly("2025-10-26T23:30:00Z", "2025-10-26T22:30:00Z",
                "2025-10-26T01:30:00Z", "2025-10-26T00:30:00Z", "2025-10-25T22:30:00Z");
    }

    @Test
    void planningTwiceGivesTheSamePlanAndChangesNothing() {
        List<BackupInfo> input = new ArrayList<>(HISTORY);
        java.util.Collections.shuffle(input, new java.util.Random(7));
        List<BackupInfo> before = List.copyOf(input);
        RetentionPolicy gfs = policy().keepDaily(7).keepWeekly(4).keepMonthly(6).build();
        RetentionPlan a = RetentionPlanner.plan(input, gfs, Set.of(), NOW, BERLIN);
        RetentionPlan b = RetentionPlanner.plan(HISTORY, gfs, Set.of(), NOW, BERLIN);
        assertThat(a).isEqualTo(b);
        assertThat(input).isEqualTo(before);
    }

    @Test
    void rejectsTheSameIdTwice() {
        List<BackupInfo> twice = List.of(HISTORY.get(0), HISTORY.get(0));
        assertThatThrownBy(() -> RetentionPlanner.plan(twice, policy().keepLast(1).build(), Set.of(), NOW, BERLIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");
    }

    @Test
    void emptyHistoryGivesAnEmptyPlan() {
        RetentionPlan plan = RetentionPlanner.plan(List.of(), policy().keepLast(1).build(), Set.of(), NOW, ZoneId.of("UTC"));
        assertThat(plan.keep()).isEmpty();
        assertThat(plan.deletesNothing()).isTrue();
    }

    private static List<String> keptInstants(RetentionPlan plan) {
        return plan.keep().stream().map(d -> d.backup().createdAt().toString()).toList();
    }

    private static List<String> reasonsByLabel(RetentionPlan plan) {
        return plan.keep().stream().map(d -> label(d.backup()) + ": " + String.join(", ", d.reasons())).toList();
    }
}
