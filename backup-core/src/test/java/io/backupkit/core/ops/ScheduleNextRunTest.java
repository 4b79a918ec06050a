package io.backupkit.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.core.Schedule;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "next run" of accepted 5-field crons as cron(8) computes it, in several zones: steps, ranges, names, 0 and 7
 * for Sunday, months without the day, leap days, daylight saving (gaps, overlaps, a half-hour shift), and the
 * rule that a cron restricting both day-of-month and day-of-week runs on days matching either.
 */
class ScheduleNextRunTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("0 2 * * *", "UTC", "2026-03-01T01:00:00Z",
                        List.of("2026-03-01T02:00Z", "2026-03-02T02:00Z")),
                Arguments.of("0 2 * * *", "UTC", "2026-03-01T02:00:00Z", List.of("2026-03-02T02:00Z")),
                Arguments.of("*/10 * * * *", "UTC", "2026-03-01T10:03:00Z",
                        List.of("2026-03-01T10:10Z", "2026-03-01T10:20Z")),
                Arguments.of("0-30/10 * * * *", "UTC", "2026-03-01T10:03:00Z",
                        List.of("2026-03-01T10:10Z", "2026-03-01T10:20Z", "2026-03-01T10:30Z", "2026-03-01T11:00Z")),
                // both day fields restricted: the 1st of the month OR a Monday
                Arguments.of("0 0 1 * 1", "UTC", "2026-03-23T10:00:00Z",
                        List.of("2026-03-30T00:00Z", "2026-04-01T00:00Z", "2026-04-06T00:00Z")),
                Arguments.of("0 0 13 * 5", "UTC", "2026-04-03T10:00:00Z",
                        List.of("2026-04-10T00:00Z", "2026-04-13T00:00Z", "2026-04-17T00:00Z")),
                // a day field starting with '*' means both must match (cron(8)): Mondays that are the 1st, 11th, 21st, 31st
                Arguments.of("0 0 */10 * 1", "UTC", "2026-03-01T10:00:00Z", List.of("2026-05-11T00:00Z", "2026-06-01T00:00Z")),
                Arguments.of("0 0 1-7 * */6", "UTC", "2026-03-01T10:00:00Z", List.of("2026-03-07T00:00Z", "2026-04-04T00:00Z")),
                Arguments.of("0 12 * * 7", "UTC", "2026-03-01T10:03:00Z", List.of("2026-03-01T12:00Z", "2026-03-08T12:00Z")),
                Arguments.of("0 12 * * 0", "UTC", "2026-03-01T10:03:00Z", List.of("2026-03-01T12:00Z", "2026-03-08T12:00Z")),
                Arguments.of("0 12 * * SUN", "UTC", "2026-03-01T10:03:00Z", List.of("2026-03-01T12:00Z")),
                Arguments.of("5 4 * * 0-6/2", "UTC", "2026-03-01T10:03:00Z",
                        List.of("2026-03-03T04:05Z", "2026-03-05T04:05Z", "2026-03-07T04:05Z", "2026-03-08T04:05Z")),
                Arguments.of("0 0 31 * *", "UTC", "2026-03-01T10:03:00Z",
                        List.of("2026-03-31T00:00Z", "2026-05-31T00:00Z", "2026-07-31T00:00Z")),
                Arguments.of("0 0 29 2 *", "UTC", "2026-03-01T10:03:00Z", List.of("2028-02-29T00:00Z")),
                Arguments.of("0 0 * JAN,JUL *", "UTC", "2026-03-01T10:03:00Z", List.of("2026-07-01T00:00Z")),
                // New York: DST starts 2026-03-08, so Monday 09:00 is EDT
                Arguments.of("0 9 * * 1-5", "America/New_York", "2026-03-06T16:00:00Z",
                        List.of("2026-03-09T09:00-04:00", "2026-03-10T09:00-04:00")),
                // Berlin: 02:30 does not exist on 2026-03-29 (runs 03:30) and happens twice on 2026-10-25 (runs once)
                Arguments.of("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z",
                        List.of("2026-03-29T03:30+02:00", "2026-03-30T02:30+02:00")),
                Arguments.of("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z",
                        List.of("2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00")),
                Arguments.of("0 */6 * * *", "Asia/Kolkata", "2026-03-01T10:03:00Z",
                        List.of("2026-03-01T18:00+05:30", "2026-03-02T00:00+05:30")),
                // Lord Howe Island moves its clocks by half an hour (on 2026-04-05)
                Arguments.of("15 14 1 * *", "Australia/Lord_Howe", "2026-03-01T10:03:00Z",
                        List.of("2026-04-01T14:15+11:00", "2026-05-01T14:15+10:30")));
    }

    @ParameterizedTest(name = "{0} in {1} after {2}")
    @MethodSource("cases")
    void nextRunsAreWhatCronWouldRun(String cron, String zone, String from, List<String> expected) {
        Schedule s = Schedule.cron(cron, ZoneId.of(zone));
        List<Instant> runs = new ArrayList<>();
        Instant t = Instant.parse(from);
        for (int i = 0; i < expected.size(); i++) {
            t = s.nextAfter(t).orElseThrow();
            runs.add(t);
        }
        assertThat(runs).containsExactlyElementsOf(expected.stream().map(e -> OffsetDateTime.parse(e).toInstant()).toList());
        // and the last slot at or before a run is that run
        assertThat(s.lastAtOrBefore(runs.get(runs.size() - 1))).contains(runs.get(runs.size() - 1));
    }
}
