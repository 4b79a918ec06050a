package io.backupkit.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.core.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static List<String> next(Schedule s, String from, int n) {
        List<String> out = new ArrayList<>();
        Instant t = Instant.parse(from);
        for (int i = 0; i < n; i++) {
            t = s.nextAfter(t).orElseThrow();
            out.add(t.toString());
        }
        return out;
    }

    @Test
    void fiveFieldUnixCronInAZone() {
        Schedule daily = Schedule.cron("0 2 * * *", BERLIN);
        // 02:00 CET is 01:00Z in winter, 00:00Z in summer
        assertThat(next(daily, "2026-03-03T12:00:00Z", 2)).containsExactly("2026-03-04T01:00:00Z", "2026-03-05T01:00:00Z");
        assertThat(next(daily, "2026-07-01T12:00:00Z", 1)).containsExactly("2026-07-02T00:00:00Z");
        Schedule weekdays = Schedule.cron("30 6 * * 1-5", UTC);
        // 2026-03-06 is a Friday
        assertThat(next(weekdays, "2026-03-06T07:00:00Z", 2)).containsExactly("2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z");
        assertThat(next(Schedule.cron("*/15 * * * *", UTC), "2026-03-04T10:07:00Z", 3))
                .containsExactly("2026-03-04T10:15:00Z", "2026-03-04T10:30:00Z", "2026-03-04T10:45:00Z");
    }

    @Test
    void sixFieldCronIsRefusedWithAMessage() {
        // issue 16 item 10: '*/10 * * * * *' printed "next run never" and then ran every 10 s
        assertThatThrownBy(() -> Schedule.cron("*/10 * * * * *", UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 6 fields").hasMessageContaining("seconds field is not supported")
                .hasMessageContaining("'*/N * * * *'");
        // Quartz stays available by name: 1 = Sunday (2026-03-08)
        assertThat(next(Schedule.quartz("0 0 3 ? * 1", UTC), "2026-03-04T00:00:00Z", 1)).containsExactly("2026-03-08T03:00:00Z");
        assertThat(next(Schedule.cron("*/10 * * * *", UTC), "2026-03-04T00:00:00Z", 2))
                .containsExactly("2026-03-04T00:10:00Z", "2026-03-04T00:20:00Z");
    }

    @Test
    void daylightSavingInBerlin() {
        Schedule at0230 = Schedule.cron("30 2 * * *", BERLIN);
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day
        // (cron-utils alone skips the day; like vixie cron, the run happens at 03:30 CEST instead)
        assertThat(next(at0230, "2026-03-28T12:00:00Z", 2)).containsExactly("2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z");
        assertThat(at0230.lastAtOrBefore(Instant.parse("2026-03-29T12:00:00Z"))).contains(Instant.parse("2026-03-29T01:30:00Z"));
        // 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice but runs once
        assertThat(next(at0230, "2026-10-24T12:00:00Z", 2)).containsExactly("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
        // every hour: the 23-hour day has 23 slots, the 25-hour day 25
        Schedule hourly = Schedule.cron("0 * * * *", BERLIN);
        assertThat(slotsBetween(hourly, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")).isEqualTo(23);
        assertThat(slotsBetween(hourly, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z")).isEqualTo(25);
    }

    private static int slotsBetween(Schedule s, String from, String to) {
        int n = 0;
        Instant t = Instant.parse(from);
        while (true) {
            t = s.nextAfter(t).orElseThrow();
            if (t.isAfter(Instant.parse(to))) {
                return n;
            }
            n++;
        }
    }

    @Test
    void lastAtOrBeforeIncludesAnExactSlot() {
        Schedule everyMinute = Schedule.cron("* * * * *", UTC);
        assertThat(everyMinute.lastAtOrBefore(Instant.parse("2026-03-04T10:07:00Z"))).contains(Instant.parse("2026-03-04T10:07:00Z"));
        assertThat(everyMinute.lastAtOrBefore(Instant.parse("2026-03-04T10:07:59.9Z"))).contains(Instant.parse("2026-03-04T10:07:00Z"));
        Schedule daily = Schedule.cron("0 2 * * *", BERLIN);
        assertThat(daily.lastAtOrBefore(Instant.parse("2026-03-04T00:59:00Z"))).contains(Instant.parse("2026-03-03T01:00:00Z"));
    }

    @Test
    void intervalsAreAlignedToTheEpochSoEveryInstanceAgrees() {
        Schedule every15 = Schedule.every(Duration.ofMinutes(15));
        assertThat(next(every15, "2026-03-04T10:07:13.5Z", 2)).containsExactly("2026-03-04T10:15:00Z", "2026-03-04T10:30:00Z");
        assertThat(every15.nextAfter(Instant.parse("2026-03-04T10:15:00Z"))).contains(Instant.parse("2026-03-04T10:30:00Z"));
        assertThat(every15.lastAtOrBefore(Instant.parse("2026-03-04T10:15:00Z"))).contains(Instant.parse("2026-03-04T10:15:00Z"));
        assertThat(every15.lastAtOrBefore(Instant.parse("2026-03-04T10:14:59.999Z"))).contains(Instant.parse("2026-03-04T10:00:00Z"));
        Schedule anchored = Schedule.every(Duration.ofHours(1), Instant.parse("2026-01-01T00:20:00Z"));
        assertThat(next(anchored, "2026-03-04T10:07:00Z", 1)).containsExactly("2026-03-04T10:20:00Z");
        assertThat(Schedule.every(Duration.ofSeconds(2)).lastAtOrBefore(Instant.parse("1969-12-31T23:59:59Z")))
                .contains(Instant.parse("1969-12-31T23:59:58Z"));
        assertThat(every15.toString()).isEqualTo("every 15m");
        assertThat(every15).isEqualTo(Schedule.every(Duration.ofSeconds(900)));
    }

    @Test
    void invalidSchedulesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Schedule.cron("0 2 * *", UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 4 fields").hasMessageContaining("'0 2 * * *'");
        assertThatThrownBy(() -> Schedule.cron("61 2 * * *", UTC)).hasMessageStartingWith("invalid UNIX cron expression '61 2 * * *': ");
        assertThatThrownBy(() -> Schedule.quartz("0 0 3 * * 1", UTC)).hasMessageStartingWith("invalid Quartz cron expression");
        assertThatThrownBy(() -> Schedule.quartz("0 0 3 1 1 ? 2001", UTC)).hasMessageContaining("never fires again");
        assertThatThrownBy(() -> Schedule.cron("", UTC)).hasMessageContaining("has 0 fields");
        assertThatThrownBy(() -> Schedule.every(Duration.ofMillis(1500))).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> Schedule.every(Duration.ZERO)).hasMessageContaining("at least 1 s");
    }
}
