package io.backupkit.core.internal;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Synthetic backup histories, with backups named by their local time ("2026-03-10 02:00") in {@link #BERLIN}. */
final class RetentionHistory {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId UTC = ZoneId.of("UTC");
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneId.of("UTC"));

    private RetentionHistory() {
    }

    /**
     * One backup a day at 02:00 Berlin time from 2025-01-01 to 2026-03-10 (1000 bytes), a second one at 14:00 on
     * the 1st and 15th of each month (3000 bytes), and no backups on 2025-06-10..20, 2025-12-24..31 and
     * 2026-02-28: 414 days with backups over 434 days.
     */
    static List<BackupInfo> daily(BackupType type) {
        List<BackupInfo> list = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2025, 1, 1); !d.isAfter(LocalDate.of(2026, 3, 10)); d = d.plusDays(1)) {
            if (gap(d)) {
                continue;
            }
            list.add(backup(type, d.atTime(2, 0), 1000));
            if (d.getDayOfMonth() == 1 || d.getDayOfMonth() == 15) {
                list.add(backup(type, d.atTime(14, 0), 3000));
            }
        }
        return list;
    }

    private static boolean gap(LocalDate d) {
        return between(d, "2025-06-10", "2025-06-20") || between(d, "2025-12-24", "2025-12-31")
                || d.equals(LocalDate.parse("2026-02-28"));
    }

    private static boolean between(LocalDate d, String from, String to) {
        return !d.isBefore(LocalDate.parse(from)) && !d.isAfter(LocalDate.parse(to));
    }

    /** A completed backup at a Berlin local time. */
    static BackupInfo backup(BackupType type, LocalDateTime berlin, long bytes) {
        return at(type, berlin.atZone(BERLIN).toInstant(), bytes, BackupStatus.COMPLETED);
    }

    /** A backup at an instant; its id is the UTC time, as the engine's ids are. */
    static BackupInfo at(BackupType type, Instant createdAt, long bytes, BackupStatus status) {
        return new BackupInfo(BackupId.of(ID.format(createdAt) + "-" + type.label()), type, "", Set.of(), status, createdAt,
                createdAt.plusSeconds(60), bytes, 0, 0, 0);
    }

    /** The Berlin-time label of a backup: "2026-03-10 02:00". */
    static String label(BackupInfo b) {
        return LABEL.format(b.createdAt().atZone(BERLIN));
    }

    /** Labels of the backups matching the ids, sorted. */
    static Set<String> labels(Collection<BackupInfo> all, Predicate<BackupInfo> which) {
        Set<String> out = new TreeSet<>();
        all.stream().filter(which).forEach(b -> out.add(label(b)));
        return out;
    }

    /** Sorted set of labels, so a failed assertion lists the difference readably. */
    static Set<String> set(String... labels) {
        Set<String> s = new TreeSet<>(new LinkedHashSet<>(List.of(labels)));
        if (s.size() != labels.length) {
            throw new IllegalArgumentException("duplicate label in expected set");
        }
        return s;
    }

    static BackupInfo find(Collection<BackupInfo> all, String label) {
        return all.stream().filter(b -> label(b).equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backup at " + label));
    }

    static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime.replace(' ', 'T')).atZone(BERLIN).toInstant();
    }
}
