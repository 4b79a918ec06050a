package io.backupkit.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.core.Schedule;
import io.backupkit.core.internal.Json;
import io.backupkit.core.internal.Scheduler;
import io.backupkit.core.internal.Scheduler.ScheduledJob;
import io.backupkit.core.internal.Sleeper;
import io.backupkit.core.internal.SlotMarker;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The scheduler on a simulated clock: slots, at-most-once across instances, overlap, catch-up, shutdown. */
class SchedulerTest {
    private static final Schedule EVERY_MINUTE = Schedule.cron("* * * * *", ZoneId.of("UTC"));
    private final MutableClock clock = MutableClock.at("2026-03-04T12:00:30Z");
    private final InMemoryStorageProvider storage = new InMemoryStorageProvider(clock);

    /**
     * A sleeper for one scheduler on the simulated clock: waits until the job is idle, then moves the clock;
     * once asked to sleep past {@code end}, signals {@code reachedEnd} and sleeps until interrupted.
     */
    private Sleeper steppingTo(Instant end, AtomicReference<ScheduledJob> job, CountDownLatch reachedEnd) {
        return d -> {
            awaitIdle(job.get());
            if (clock.instant().plus(d).isAfter(end)) {
                reachedEnd.countDown();
                Thread.sleep(Long.MAX_VALUE);
            }
            clock.advance(d);
        };
    }

    private static void awaitIdle(ScheduledJob job) throws InterruptedException {
        long give = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (job != null && job.isRunning()) {
            if (System.nanoTime() > give) {
                throw new AssertionError("job " + job.name() + " still running after 30 s");
            }
            Thread.sleep(1);
        }
    }

    private static List<Instant> minutes(String... hhmm) {
        return Stream.of(hhmm).map(t -> Instant.parse("2026-03-04T" + t + ":00Z")).toList();
    }

    private List<String> markers(String job) {
        try (Stream<BlobInfo> s = storage.list("locks/slots/" + job + "/")) {
            return s.map(BlobInfo::key).sorted().toList();
        }
    }

    private SlotMarker marker(String key) throws Exception {
        return Json.mapper().readValue(storage.get(key), SlotMarker.class);
    }

    @Test
    void fiveMinutesOfEveryMinuteSlotsRunExactlyFiveTimes() throws Exception {
        List<Instant> ran = new CopyOnWriteArrayList<>();
        AtomicReference<ScheduledJob> job = new AtomicReference<>();
        CountDownLatch end = new CountDownLatch(1);
        try (Scheduler scheduler = Scheduler.builder(storage).clock(clock)
                .sleeper(steppingTo(Instant.parse("2026-03-04T12:05:30Z"), job, end)).holderId("app-1").build()) {
            job.set(scheduler.schedule("nightly", EVERY_MINUTE, false, run -> {
                assertThat(run.leaseHeld()).isTrue();
                ran.add(run.slot());
            }));
            assertThat(end.await(60, TimeUnit.SECONDS)).isTrue();
            awaitIdle(job.get());
            assertThat(job.get().runs()).isEqualTo(5);
            assertThat(job.get().nextSlot()).contains(Instant.parse("2026-03-04T12:06:00Z"));
        }
        assertThat(ran).containsExactlyElementsOf(minutes("12:01", "12:02", "12:03", "12:04", "12:05"));
        assertThat(markers("nightly")).containsExactly(
                "locks/slots/nightly/20260304T120100Z", "locks/slots/nightly/20260304T120200Z",
                "locks/slots/nightly/20260304T120300Z", "locks/slots/nightly/20260304T120400Z",
                "locks/slots/nightly/20260304T120500Z");
        SlotMarker first = marker("locks/slots/nightly/20260304T120100Z");
        assertThat(first.holder()).isEqualTo("app-1/nightly");
        assertThat(first.slot()).isEqualTo(Instant.parse("2026-03-04T12:01:00Z"));
        assertThat(first.catchUp()).isFalse();
        assertThat(storage.stat("locks/schedule-nightly.json")).as("lease released after each run").isEmpty();
    }

    @Test
    void twoSchedulersSharingAStorageRunEachSlotExactlyOnce() throws Exception {
        Map<Instant, List<String>> runsBySlot = new ConcurrentHashMap<>();
        List<ScheduledJob> jobs = new CopyOnWriteArrayList<>();
        VirtualTime time = new VirtualTime(clock, 2, () -> jobs.stream().noneMatch(ScheduledJob::isRunning));
        try (Scheduler a = Scheduler.builder(storage).clock(clock).sleeper(time.sleeper()).holderId("a").build();
             Scheduler b = Scheduler.builder(storage).clock(clock).sleeper(time.sleeper()).holderId("b").build()) {
            jobs.add(a.schedule("nightly", EVERY_MINUTE, false,
                    run -> runsBySlot.computeIfAbsent(run.slot(), s -> new CopyOnWriteArrayList<>()).add("a")));
            jobs.add(b.schedule("nightly", EVERY_MINUTE, false,
                    run -> runsBySlot.computeIfAbsent(run.slot(), s -> new CopyOnWriteArrayList<>()).add("b")));
            time.runUntil(Instant.parse("2026-03-04T12:05:30Z"));
            assertThat(jobs.get(0).runs() + jobs.get(1).runs()).isEqualTo(5);
            assertThat(jobs.get(0).runs() + jobs.get(0).skippedElsewhere()).isEqualTo(5);
            assertThat(jobs.get(1).runs() + jobs.get(1).skippedElsewhere()).isEqualTo(5);
        }
        assertThat(runsBySlot.keySet()).containsExactlyInAnyOrderElementsOf(minutes("12:01", "12:02", "12:03", "12:04", "12:05"));
        assertThat(runsBySlot.values()).allSatisfy(who -> assertThat(who).hasSize(1));
        assertThat(markers("nightly")).hasSize(5);
        for (String key : markers("nightly")) {
            SlotMarker m = marker(key);
            assertThat(runsBySlot.get(m.slot())).containsExactly(m.holder().substring(0, 1));
        }
    }

    @Test
    void twoInstancesStartingTogetherCatchUpAMissedSlotOnce() throws Exception {
        clock.set(Instant.parse("2026-03-04T14:30:00Z"));
        Schedule hourly = Schedule.cron("0 * * * *", ZoneId.of("UTC"));
        writeMarker("hourly", "2026-03-04T11:00:00Z"); // the last run before the application went down
        Map<Instant, List<String>> runs = new ConcurrentHashMap<>();
        List<ScheduledJob> jobs = new CopyOnWriteArrayList<>();
        VirtualTime time = new VirtualTime(clock, 2, () -> jobs.stream().noneMatch(ScheduledJob::isRunning));
        try (Scheduler a = Scheduler.builder(storage).clock(clock).sleeper(time.sleeper()).holderId("a").build();
             Scheduler b = Scheduler.builder(storage).clock(clock).sleeper(time.sleeper()).holderId("b").build()) {
            for (Scheduler s : List.of(a, b)) {
                String who = s == a ? "a" : "b";
                jobs.add(s.schedule("hourly", hourly, true, run -> runs.computeIfAbsent(run.slot(), k -> new CopyOnWriteArrayList<>())
                        .add(who + (run.catchUp() ? " catch-up" : ""))));
            }
            time.runUntil(Instant.parse("2026-03-04T15:30:00Z"));
        }
        // 12:00 and 13:00 are not run one by one: only the latest missed slot, once, then 15:00 as scheduled
        assertThat(runs.keySet()).containsExactlyInAnyOrder(Instant.parse("2026-03-04T14:00:00Z"), Instant.parse("2026-03-04T15:00:00Z"));
        assertThat(runs.get(Instant.parse("2026-03-04T14:00:00Z"))).singleElement().asString().endsWith(" catch-up");
        assertThat(runs.get(Instant.parse("2026-03-04T15:00:00Z"))).singleElement().asString().doesNotContain("catch-up");
        assertThat(marker("locks/slots/hourly/20260304T140000Z").catchUp()).isTrue();
    }

    @Test
    void catchUpRunsOnlyWhenConfiguredAndOnlyForAJobThatRanBefore() throws Exception {
        clock.set(Instant.parse("2026-03-04T14:30:00Z"));
        Schedule hourly = Schedule.cron("0 * * * *", ZoneId.of("UTC"));
        writeMarker("configured", "2026-03-04T11:00:00Z");
        writeMarker("not-configured", "2026-03-04T11:00:00Z");
        List<String> runs = new CopyOnWriteArrayList<>();
        AtomicReference<ScheduledJob> none = new AtomicReference<>();
        CountDownLatch end = new CountDownLatch(3);
        // each job's loop sleeps past 14:59 at once, so only catch-up runs can happen
        Sleeper stopAtOnce = d -> {
            end.countDown();
            Thread.sleep(Long.MAX_VALUE);
        };
        try (Scheduler s = Scheduler.builder(storage).clock(clock).sleeper(d -> {
            if (d.compareTo(Duration.ofMinutes(1)) > 0) {
                stopAtOnce.sleep(d);
            }
            clock.advance(d); // lease settle delays
        }).build()) {
            none.set(s.schedule("configured", hourly, true, run -> runs.add("configured " + run.slot())));
            s.schedule("not-configured", hourly, false, run -> runs.add("not-configured " + run.slot()));
            s.schedule("never-ran", hourly, true, run -> runs.add("never-ran " + run.slot()));
            assertThat(end.await(30, TimeUnit.SECONDS)).isTrue();
            awaitIdle(none.get());
        }
        assertThat(runs).containsExactly("configured 2026-03-04T14:00:00Z");

        // started again later the same hour: 14:00 is marked now, nothing is missed
        runs.clear();
        CountDownLatch again = new CountDownLatch(1);
        try (Scheduler s = Scheduler.builder(storage).clock(clock).sleeper(d -> {
            if (d.compareTo(Duration.ofMinutes(1)) > 0) {
                again.countDown();
                Thread.sleep(Long.MAX_VALUE);
            }
            clock.advance(d);
        }).build()) {
            s.schedule("configured", hourly, true, run -> runs.add("configured " + run.slot()));
            assertThat(again.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(runs).isEmpty();
    }

    @Test
    void aSlotDueWhileThePreviousRunIsStillGoingIsSkipped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Instant> ran = new CopyOnWriteArrayList<>();
        AtomicReference<ScheduledJob> job = new AtomicReference<>();
        CountDownLatch end = new CountDownLatch(1);
        Instant releaseAt = Instant.parse("2026-03-04T12:03:30Z");
        Sleeper sleeper = d -> {
            Instant target = clock.instant().plus(d);
            if (!target.isBefore(releaseAt)) {
                release.countDown();
                awaitIdle(job.get()); // from here on, runs are quick: let each finish before time moves on
            }
            if (target.isAfter(Instant.parse("2026-03-04T12:05:30Z"))) {
                awaitIdle(job.get());
                end.countDown();
                Thread.sleep(Long.MAX_VALUE);
            }
            clock.advance(d);
        };
        try (Scheduler scheduler = Scheduler.builder(storage).clock(clock).sleeper(sleeper).build()) {
            job.set(scheduler.schedule("slow", EVERY_MINUTE, false, run -> {
                ran.add(run.slot());
                if (ran.size() == 1) {
                    try {
                        // the first run lasts until after 12:03: slots 12:02 and 12:03 find it still going
                        assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
            assertThat(end.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(job.get().skippedOverlapping()).isEqualTo(2);
        }
        assertThat(ran).containsExactlyElementsOf(minutes("12:01", "12:04", "12:05"));
        assertThat(markers("slow")).containsExactly("locks/slots/slow/20260304T120100Z", "locks/slots/slow/20260304T120400Z",
                "locks/slots/slow/20260304T120500Z");
    }

    @Test
    void aLongRunInOneInstanceKeepsTheOtherInstanceFromStartingTheJob() throws Exception {
        Map<Instant, List<String>> runsBySlot = new ConcurrentHashMap<>();
        List<ScheduledJob> jobs = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        // while the first run is blocked, time moves on regardless; afterwards runs finish before it moves
        VirtualTime time = new VirtualTime(clock, 2, () -> !released.get() || jobs.stream().noneMatch(ScheduledJob::isRunning));
        // a lease ttl longer than the blocked run, as the heartbeat (real time) keeps it alive in real use
        try (Scheduler a = Scheduler.builder(storage).clock(clock).sleeper(time.sleeper()).holderId("a").leaseTtl(Duration.ofMinutes(10)).build();
             Scheduler b = Scheduler.builder(storage).clock(clock).sleeper(time.sleeper()).holderId("b").leaseTtl(Duration.ofMinutes(10)).build()) {
            for (Scheduler s : List.of(a, b)) {
                String who = s == a ? "a" : "b";
                jobs.add(s.schedule("long", EVERY_MINUTE, false, run -> {
                    Instant start = clock.instant();
                    if (run.slot().equals(Instant.parse("2026-03-04T12:01:00Z"))) {
                        try {
                            assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    runsBySlot.computeIfAbsent(run.slot(), k -> new CopyOnWriteArrayList<>()).add(who + " " + start + " " + clock.instant());
                }));
            }
            time.runUntil(Instant.parse("2026-03-04T12:03:30Z"));
            released.set(true);
            release.countDown();
            time.runUntil(Instant.parse("2026-03-04T12:05:30Z"));
            assertThat(jobs.stream().mapToLong(ScheduledJob::skippedOverlapping).sum()).isEqualTo(2); // 12:02, 12:03
        }
        // 12:02: the first run's instance skips it (still running), the other finds the job's lock taken until 12:03.
        // 12:03: the other instance keeps trying within the slot and runs it once the first run has ended (12:03:30,
        // next retry 12:03:35) - late, but never alongside it.
        assertThat(runsBySlot.keySet()).containsExactlyInAnyOrderElementsOf(minutes("12:01", "12:03", "12:04", "12:05"));
        assertThat(runsBySlot.values()).allSatisfy(who -> assertThat(who).hasSize(1));
        String first = runsBySlot.get(Instant.parse("2026-03-04T12:01:00Z")).get(0);
        String late = runsBySlot.get(Instant.parse("2026-03-04T12:03:00Z")).get(0);
        String[] f = first.split(" ");
        String[] l = late.split(" ");
        assertThat(f[2]).isEqualTo("2026-03-04T12:03:30Z"); // released then
        assertThat(l[0]).isNotEqualTo(f[0]);
        // (the first run's start is read on its worker thread while simulated time moves on, so only its end is exact)
        assertThat(Instant.parse(l[1])).isAfterOrEqualTo(Instant.parse(f[2])).isBefore(Instant.parse("2026-03-04T12:04:00Z"));
        assertThat(markers("long")).containsExactly("locks/slots/long/20260304T120100Z", "locks/slots/long/20260304T120300Z",
                "locks/slots/long/20260304T120400Z", "locks/slots/long/20260304T120500Z");
    }

    @Test
    void aFailingRunIsLoggedAndTheNextSlotRunsAsUsual() throws Exception {
        List<Instant> ran = new CopyOnWriteArrayList<>();
        AtomicReference<ScheduledJob> job = new AtomicReference<>();
        CountDownLatch end = new CountDownLatch(1);
        try (Scheduler scheduler = Scheduler.builder(storage).clock(clock)
                .sleeper(steppingTo(Instant.parse("2026-03-04T12:03:30Z"), job, end)).build()) {
            job.set(scheduler.schedule("flaky", EVERY_MINUTE, false, run -> {
                ran.add(run.slot());
                if (ran.size() == 1) {
                    throw new IllegalStateException("database unreachable");
                }
            }));
            assertThat(end.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(job.get().failures()).isEqualTo(1);
        }
        assertThat(ran).containsExactlyElementsOf(minutes("12:01", "12:02", "12:03"));
        assertThat(storage.stat("locks/schedule-flaky.json")).isEmpty();
    }

    @Test
    void storageFailuresWhileClaimingAreRetriedWithinTheSlot() throws Exception {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(storage).failFirstCalls(Verb.STAT, 2).build();
        List<Instant> ran = new CopyOnWriteArrayList<>();
        AtomicReference<ScheduledJob> job = new AtomicReference<>();
        CountDownLatch end = new CountDownLatch(1);
        try (Scheduler scheduler = Scheduler.builder(faulty).clock(clock)
                .sleeper(steppingTo(Instant.parse("2026-03-04T12:02:30Z"), job, end)).build()) {
            job.set(scheduler.schedule("job", EVERY_MINUTE, false, run -> ran.add(run.slot())));
            assertThat(end.await(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(faulty.faultsInjected()).isEqualTo(2);
        assertThat(ran).containsExactlyElementsOf(minutes("12:01", "12:02"));
    }

    @Test
    void markersArePrunedToTheConfiguredHistory() throws Exception {
        AtomicReference<ScheduledJob> job = new AtomicReference<>();
        CountDownLatch end = new CountDownLatch(1);
        try (Scheduler scheduler = Scheduler.builder(storage).clock(clock).markerHistory(3)
                .sleeper(steppingTo(Instant.parse("2026-03-04T12:05:30Z"), job, end)).build()) {
            job.set(scheduler.schedule("pruned", EVERY_MINUTE, false, run -> { }));
            assertThat(end.await(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(markers("pruned")).containsExactly("locks/slots/pruned/20260304T120300Z",
                "locks/slots/pruned/20260304T120400Z", "locks/slots/pruned/20260304T120500Z");
    }

    @Test
    void closeWaitsForTheRunThenInterruptsItAndReleasesTheLease() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Scheduler scheduler = Scheduler.builder(storage).clock(clock).sleeper(d -> {
            if (d.compareTo(Duration.ofMinutes(1)) >= 0 || !clock.instant().isBefore(Instant.parse("2026-03-04T12:01:00Z"))
                    && d.compareTo(Duration.ofSeconds(5)) > 0) {
                Thread.sleep(Long.MAX_VALUE); // stay in the first run's minute until close() interrupts
            }
            clock.advance(d);
        }).shutdownTimeout(Duration.ofMillis(200)).build();
        ScheduledJob job = scheduler.schedule("stuck", EVERY_MINUTE, false, run -> {
            started.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(storage.stat("locks/schedule-stuck.json")).isPresent();
        scheduler.close();
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        awaitIdle(job);
        assertThat(storage.stat("locks/schedule-stuck.json")).isEmpty();
        assertThat(job.runs()).isEqualTo(1);
        assertThatThrownBy(() -> scheduler.schedule("late", EVERY_MINUTE, false, run -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void jobNamesAreValidatedAndUnique() {
        try (Scheduler scheduler = Scheduler.builder(storage).clock(clock).sleeper(d -> Thread.sleep(Long.MAX_VALUE)).build()) {
            assertThatThrownBy(() -> scheduler.schedule("../etc", EVERY_MINUTE, false, run -> { }))
                    .hasMessageContaining("invalid job name '../etc'");
            assertThatThrownBy(() -> scheduler.schedule("a b", EVERY_MINUTE, false, run -> { }))
                    .hasMessageContaining("invalid job name");
            scheduler.schedule("nightly", EVERY_MINUTE, false, run -> { });
            assertThatThrownBy(() -> scheduler.schedule("nightly", EVERY_MINUTE, false, run -> { }))
                    .hasMessageContaining("already scheduled");
        }
        assertThatThrownBy(() -> Scheduler.builder(storage).markerHistory(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Scheduler.builder(storage).leaseTtl(Duration.ofMillis(10)).build()).hasMessageContaining("300 ms");
    }

    private void writeMarker(String job, String slot) throws Exception {
        Instant at = Instant.parse(slot);
        SlotMarker m = new SlotMarker(job, at, "old-instance", "old-host", 1, 1, at, false);
        storage.put("locks/slots/" + job + "/" + Scheduler.slotKey(at), ContentSource.of(Json.mapper().writeValueAsBytes(m)));
    }

}
