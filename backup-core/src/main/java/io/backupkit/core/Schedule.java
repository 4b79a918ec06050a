package io.backupkit.core;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a scheduled job runs: a cron expression in a time zone, or a fixed interval. Each run belongs to a
 * <em>slot</em>, the instant it was due; instances that share a storage agree on slots, which is what lets them
 * run each slot at most once between them.
 *
 * <ul>
 *   <li>{@link #cron(String, ZoneId)}: five fields, UNIX syntax ({@code minute hour day-of-month month
 *       day-of-week}, e.g. {@code 0 2 * * *}). Days of the week are 0-7 with 0 and 7 Sunday, or MON-SUN. Six
 *       fields are refused: backups are planned in minutes, and a seconds field read as minutes (or the other way
 *       round) runs a job sixty times too often or too rarely. Day fields as cron(8) reads them: with both
 *       restricted a day matching either runs ({@code 0 0 1 * 1}: the 1st and every Monday); when one starts with
 *       {@code *} ({@code *}{@code /10}) a day must match both.</li>
 *   <li>{@link #quartz(String, ZoneId)}: Quartz syntax (six or seven fields, {@code ?} in day-of-month or
 *       day-of-week, days of the week 1-7 with 1 Sunday). Separate, because the same digits mean different days
 *       in Quartz and in Spring.</li>
 *   <li>{@link #every(Duration)}: every interval, at whole multiples of it since the epoch (every 15 minutes is
 *       :00, :15, :30, :45 UTC), so every instance computes the same slots whenever it started.</li>
 * </ul>
 * Cron expressions are parsed and evaluated by cron-utils. Daylight saving: a time that does not exist on the
 * day clocks go forward runs at the same offset after the change (02:30 becomes 03:30 in Europe/Berlin); a
 * time that happens twice on the day clocks go back runs once, at its first occurrence.
 */
public final class Schedule {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final String description;
    /**
     * The cron as cron(8) reads its day fields, in one or two parts: both restricted means a day matching either
     * (two parts); one of them starting with {@code *} (such as {@code *}{@code /10}) means a day matching both (one
     * part whose day-of-week is a filter). cron-utils alone reads both cases otherwise.
     */
    private final List<Part> cron;

    /** Runs of {@code time} on days that {@code days} (when set) also matches. */
    private record Part(ExecutionTime time, ExecutionTime days) {
        boolean dayMatches(ZonedDateTime t) {
            return days == null || days.isMatch(t);
        }
    }

    /** How many candidate runs a day filter may skip before the schedule counts as never firing. */
    private static final int MAX_SKIPPED = 100_000;
    private final ZoneId zone;
    private final Duration interval;
    private final Instant anchor;

    private Schedule(String description, List<Part> cron, ZoneId zone, Duration interval, Instant anchor) {
        this.description = description;
        this.cron = cron;
        this.zone = zone;
        this.interval = interval;
        this.anchor = anchor;
    }

    /**
     * A cron schedule: five fields, UNIX syntax.
     *
     * @throws IllegalArgumentException if the expression is not valid, saying why
     */
    public static Schedule cron(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "cron expression");
        Objects.requireNonNull(zone, "zone");
        String trimmed = expression.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        CronParser parser;
        String syntax;
        if (fields == 5) {
            parser = UNIX;
            syntax = "UNIX";
        } else {
            throw new IllegalArgumentException("cron expression '" + expression + "' has " + fields + " fields: write five "
                    + "(minute hour day-of-month month day-of-week, e.g. '0 2 * * *' for 02:00 every day"
                    + (fields == 6 ? "; a seconds field is not supported, for every N minutes write '*/N * * * *'" : "")
                    + ")");
        }
        String[] f = trimmed.split("\\s+");
        String byMonthDay = String.join(" ", f[0], f[1], f[2], f[3], "*");
        if (!f[2].startsWith("*") && !f[4].startsWith("*")) {
            // Both day fields restricted: cron(8) runs on days matching either ('0 0 1 * 1' = the 1st and every
            // Monday). Two crons, each with one day field; the earlier run wins.
            String byWeekDay = String.join(" ", f[0], f[1], "*", f[3], f[4]);
            return parse(List.of(byMonthDay, byWeekDay), null, parser, syntax, trimmed, zone);
        }
        if (!f[2].equals("*") && !f[4].equals("*")) {
            // One starts with '*' ('*/10'): cron(8) then wants both ('0 0 */10 * 1' = Mondays that are the 1st, 11th ...).
            return parse(List.of(byMonthDay), "* * * * " + f[4], parser, syntax, trimmed, zone);
        }
        return parse(parser, syntax, trimmed, zone);
    }

    /**
     * A Quartz cron schedule (six or seven fields, seconds first, days of the week 1-7 from Sunday).
     *
     * @throws IllegalArgumentException if the expression is not valid, saying why
     */
    public static Schedule quartz(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "cron expression");
        Objects.requireNonNull(zone, "zone");
        return parse(QUARTZ, "Quartz", expression.trim(), zone);
    }

    private static Schedule parse(CronParser parser, String syntax, String expression, ZoneId zone) {
        return parse(List.of(expression), null, parser, syntax, expression, zone);
    }

    private static Schedule parse(List<String> parts, String dayFilter, CronParser parser, String syntax,
                                  String expression, ZoneId zone) {
        List<Part> times = new java.util.ArrayList<>();
        try {
            ExecutionTime days = dayFilter == null ? null : ExecutionTime.forCron(parser.parse(dayFilter).validate());
            for (String part : parts) {
                times.add(new Part(ExecutionTime.forCron(parser.parse(part).validate()), days));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + syntax + " cron expression '" + expression + "': "
                    + e.getMessage(), e);
        }
        Schedule s = new Schedule("cron '" + expression + "' (" + syntax + ") in " + zone, List.copyOf(times), zone,
                null, null);
        if (s.nextAfter(Instant.now()).isEmpty()) {
            throw new IllegalArgumentException("the " + syntax + " cron expression '" + expression + "' never fires again");
        }
        return s;
    }

    /** Every {@code interval} (whole seconds, at least one), at multiples of it since 1970-01-01T00:00Z. */
    public static Schedule every(Duration interval) {
        return every(interval, Instant.EPOCH);
    }

    /** Every {@code interval} (whole seconds, at least one), at {@code anchor} plus multiples of it. */
    public static Schedule every(Duration interval, Instant anchor) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(anchor, "anchor");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.getNano() != 0) {
            throw new IllegalArgumentException("a schedule interval must be whole seconds and at least 1 s, was " + interval);
        }
        if (anchor.getNano() != 0) {
            throw new IllegalArgumentException("a schedule anchor must be a whole second, was " + anchor);
        }
        return new Schedule("every " + interval.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + (anchor.equals(Instant.EPOCH) ? "" : " from " + anchor), null, null, interval, anchor);
    }

    /** The first slot strictly after {@code t}; empty if the schedule never fires again. */
    public Optional<Instant> nextAfter(Instant t) {
        Objects.requireNonNull(t, "t");
        if (interval != null) {
            return Optional.of(lastSlotAtOrBefore(t).plus(interval));
        }
        Optional<Instant> next = Optional.empty();
        for (Part c : cron) {
            Optional<Instant> n = nextAfter(c, t);
            if (n.isPresent() && (next.isEmpty() || n.get().isBefore(next.get()))) {
                next = n;
            }
        }
        return next;
    }

    private Optional<Instant> nextAfter(Part part, Instant t) {
        Instant from = t;
        for (int i = 0; i < MAX_SKIPPED; i++) {
            Optional<Instant> n = nextAfter(part.time(), from);
            if (n.isEmpty() || part.dayMatches(n.get().atZone(zone))) {
                return n;
            }
            from = n.get();
        }
        return Optional.empty();
    }

    private Optional<Instant> nextAfter(ExecutionTime cron, Instant t) {
        Optional<Instant> next = cron.nextExecution(t.atZone(zone)).map(ZonedDateTime::toInstant);
        // cron-utils skips a time that falls in a daylight-saving gap; cron (vixie) runs it after the change.
        ZoneRules rules = zone.getRules();
        for (ZoneOffsetTransition tr = rules.nextTransition(t);
             tr != null && (next.isEmpty() || tr.getInstant().isBefore(next.get()));
             tr = rules.nextTransition(tr.getInstant())) {
            if (tr.isGap()) {
                // Evaluate the cron on the wall clock as if the old offset still applied: a time inside the gap
                // then maps to the same distance after the change (02:30 -> 03:30 when 02:00 jumps to 03:00).
                ZonedDateTime beforeGap = tr.getDateTimeBefore().minusSeconds(1).atZone(tr.getOffsetBefore());
                java.time.LocalDateTime gapEnd = tr.getDateTimeAfter();
                Optional<ZonedDateTime> inGap = cron.nextExecution(beforeGap)
                        .filter(c -> c.toLocalDateTime().isBefore(gapEnd));
                if (inGap.isPresent() && (next.isEmpty() || inGap.get().toInstant().isBefore(next.get()))) {
                    next = Optional.of(inGap.get().toInstant());
                }
            }
            if (next.isEmpty() && tr.getInstant().isAfter(t.plus(Duration.ofDays(366 * 5)))) {
                break;
            }
        }
        return next;
    }

    /** The last slot at or before {@code t}; empty if there was none. */
    public Optional<Instant> lastAtOrBefore(Instant t) {
        Objects.requireNonNull(t, "t");
        if (interval != null) {
            return Optional.of(lastSlotAtOrBefore(t));
        }
        Optional<Instant> last = Optional.empty();
        for (Part c : cron) {
            Optional<ZonedDateTime> z = c.time().lastExecution(t.atZone(zone));
            for (int i = 0; i < MAX_SKIPPED && z.isPresent() && !c.dayMatches(z.get()); i++) {
                z = c.time().lastExecution(z.get());
            }
            Optional<Instant> l = z.filter(c::dayMatches).map(ZonedDateTime::toInstant);
            if (l.isPresent() && (last.isEmpty() || l.get().isAfter(last.get()))) {
                last = l;
            }
        }
        // Step forward with nextAfter (which knows about daylight-saving gaps) to the last slot <= t.
        Instant from = last.orElse(t.minus(Duration.ofDays(366)));
        for (Optional<Instant> n = nextAfter(from); n.isPresent() && !n.get().isAfter(t); n = nextAfter(n.get())) {
            last = n;
        }
        return last;
    }

    private Instant lastSlotAtOrBefore(Instant t) {
        long seconds = Duration.between(anchor, t).getSeconds(); // floor: Duration keeps nanos positive
        return anchor.plusSeconds(Math.floorDiv(seconds, interval.getSeconds()) * interval.getSeconds());
    }

    /** The time zone cron fields are read in; empty for an interval. */
    public Optional<ZoneId> zone() {
        return Optional.ofNullable(zone);
    }

    /** The interval; empty for a cron schedule. */
    public Optional<Duration> interval() {
        return Optional.ofNullable(interval);
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule other && description.equals(other.description);
    }

    @Override
    public int hashCode() {
        return description.hashCode();
    }
}
