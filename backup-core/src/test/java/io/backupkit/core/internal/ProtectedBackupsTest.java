package io.backupkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupState;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which backups retention protects and counts, with safety, table-filtered, INCOMPLETE and DAMAGED backups mixed
 * in. Each case: backups as {@code name=TYPE[:flag]} (newest first, one hour apart; flags {@code damaged},
 * {@code incomplete}, {@code partial}), the rules, and the names the plan keeps with their reasons.
 */
class ProtectedBackupsTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    static Stream<Arguments> cases() {
        RetentionPolicy within1s = RetentionPolicy.builder().keepWithin(Duration.ofSeconds(1)).build();
        RetentionPolicy last1 = RetentionPolicy.builder().keepLast(1).build();
        RetentionPolicy last3 = RetentionPolicy.builder().keepLast(3).build();
        RetentionPolicy max1 = RetentionPolicy.builder().maxCount(1).build();
        return Stream.of(
                // issue 16 item 1: a one-table restore's safety backup is not "the newest successful backup"
                Arguments.of("safety backup newer than the only full backup", List.of("s=SAFETY", "f=FULL"),
                        RetentionRules.of(within1s), Map.of("f", "newest successful backup")),
                Arguments.of("damaged newest full backup: the older intact one is protected and counted",
                        List.of("f2=FULL:damaged", "f1=FULL"), RetentionRules.of(last1),
                        Map.of("f1", "last 1, newest successful backup")),
                Arguments.of("incomplete newest database backup", List.of("d2=DATABASE:incomplete", "d1=DATABASE"),
                        RetentionRules.of(within1s), Map.of("d1", "newest successful database backup")),
                Arguments.of("table-filtered newest full backup", List.of("f2=FULL:partial", "f1=FULL", "f0=FULL"),
                        RetentionRules.of(last1), Map.of("f1", "last 1, newest successful backup")),
                Arguments.of("newest of each kind: database and files", List.of("s=SAFETY", "d=DATABASE", "fi=FILES", "f=FULL"),
                        RetentionRules.of(within1s), Map.of("d", "newest successful database backup",
                                "fi", "newest successful files backup")),
                Arguments.of("safety backups follow their own policy only",
                        List.of("s3=SAFETY", "s2=SAFETY", "f2=FULL", "s1=SAFETY", "f1=FULL"),
                        RetentionRules.builder().defaultPolicy(last1)
                                .policy(BackupType.SAFETY, RetentionPolicy.builder().keepLast(2).build()).build(),
                        Map.of("s3", "last 2", "s2", "last 2", "f2", "last 1, newest successful backup")),
                Arguments.of("a damaged safety backup fills no slot of the safety policy",
                        List.of("s2=SAFETY:damaged", "s1=SAFETY", "f=FULL"),
                        RetentionRules.builder().defaultPolicy(last1)
                                .policy(BackupType.SAFETY, RetentionPolicy.builder().keepLast(1).build()).build(),
                        Map.of("s1", "last 1", "f", "last 1, newest successful backup")),
                // issue 16 item 2: count-based rules count across types
                Arguments.of("keep-last counts across types", List.of("f3=FULL", "d3=DATABASE", "f2=FULL", "d2=DATABASE",
                        "f1=FULL", "d1=DATABASE"), RetentionRules.of(last3),
                        Map.of("f3", "last 3, newest successful backup", "d3", "last 3", "f2", "last 3")),
                Arguments.of("max-count counts across types", List.of("f3=FULL", "d3=DATABASE", "f2=FULL", "d2=DATABASE"),
                        RetentionRules.of(max1), Map.of("f3", "within caps, newest successful backup")),
                Arguments.of("keep-last per type with --per-type", List.of("f3=FULL", "d3=DATABASE", "f2=FULL",
                        "d2=DATABASE", "f1=FULL", "d1=DATABASE", "f0=FULL"), RetentionRules.of(last3).withPerType(true),
                        Map.of("f3", "last 3, newest successful backup", "d3", "last 3", "f2", "last 3", "d2", "last 3",
                                "f1", "last 3", "d1", "last 3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void keepsExactly(String description, List<String> backups, RetentionRules rules, Map<String, String> expected) {
        Map<BackupId, String> names = new TreeMap<>();
        List<BackupInfo> infos = new ArrayList<>();
        for (int i = 0; i < backups.size(); i++) {
            String[] spec = backups.get(i).split("[=:]");
            BackupInfo b = backup(spec[0], BackupType.valueOf(spec[1]), NOW.minus(Duration.ofHours(i + 1)),
                    spec.length > 2 ? spec[2] : "");
            infos.add(b);
            names.put(b.id(), spec[0]);
        }
        RetentionPlan plan = RetentionPlanner.plan(infos, rules, Set.of(), NOW, ZoneOffset.UTC);
        Map<String, String> kept = new TreeMap<>();
        plan.keep().forEach(d -> kept.put(names.get(d.backup().id()), String.join(", ", d.reasons())));
        assertThat(kept).as(plan.describe()).isEqualTo(new TreeMap<>(expected));
        assertThat(plan.keep().size() + plan.delete().size()).isEqualTo(infos.size());
    }

    private static BackupInfo backup(String name, BackupType type, Instant at, String flag) {
        BackupInfo b = new BackupInfo(BackupId.of(at.toString().replaceAll("[-:]", "").replace(".000", "")
                .substring(0, 16) + "-" + type.label() + "-" + name), type, name, Set.of(), BackupStatus.COMPLETED, at,
                at.plusSeconds(60), 10, type.includesDatabase() ? 2 : 0, 10, type.includesFiles() ? 3 : 0);
        boolean damaged = flag.equals("damaged");
        boolean incomplete = flag.equals("incomplete");
        String partial = flag.equals("partial") ? "tables: public.orders" : type == BackupType.SAFETY ? "safety backup" : "";
        return b.withState(new BackupState(incomplete ? BackupState.Completeness.INCOMPLETE : BackupState.Completeness.COMPLETE,
                incomplete ? List.of("function public.f()") : List.of(), partial,
                damaged ? BackupState.Integrity.DAMAGED : BackupState.Integrity.UNVERIFIED,
                damaged ? Optional.of(at) : Optional.empty(), "", damaged ? List.of("db/x: checksum") : List.of(), 0,
                Optional.empty()));
    }
}
