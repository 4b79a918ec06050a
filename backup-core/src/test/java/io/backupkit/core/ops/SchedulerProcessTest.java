package io.backupkit.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.core.internal.Json;
import io.backupkit.core.internal.LeaseRecord;
import io.backupkit.core.internal.Scheduler;
import io.backupkit.core.internal.SlotMarker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, acceptance 3, with real processes and real time: two JVMs schedule the same job on one local storage
 * folder and each slot runs exactly once; killing (-9) the process running a slot lets the other take over once
 * that process's lease lapses. The slots are 2 seconds apart rather than a minute, to keep the test short; the
 * slot logic (epoch-aligned slots, marker per slot, job lease) does not depend on the interval.
 */
class SchedulerProcessTest {
    private static final Duration LIVENESS = Duration.ofSeconds(90);
    private static final String JOB = "backup";

    @TempDir
    Path dir;

    @Test
    void twoProcessesRunEachSlotOnceAndTheSurvivorTakesOverFromAKilledHolder() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        // every 2 s; lease ttl 1.5 s (heartbeat every 0.5 s); each run works 1.2 s, holding the lease meanwhile
        String[] args = {storage.toString(), JOB, "2", "1500", "1200"};
        try (ChildJvm a = ChildJvm.start(SchedulerMain.class, dir.resolve("a.log"), args);
             ChildJvm b = ChildJvm.start(SchedulerMain.class, dir.resolve("b.log"), args)) {
            assertThat(a.await(l -> l.startsWith("STARTED"), LIVENESS)).isPresent();
            assertThat(b.await(l -> l.startsWith("STARTED"), LIVENESS)).isPresent();
            List<ChildJvm> both = List.of(a, b);

            // let both run side by side for three slots, then kill whichever starts the next run, mid-run
            int before = runs(both).size();
            awaitRuns(both, before + 3);
            int seen = runs(both).size();
            ChildJvm victim = awaitNewRun(both, seen);
            victim.kill();
            ChildJvm survivor = victim == a ? b : a;
            Run killedRun = runsOf(victim).get(runsOf(victim).size() - 1);
            LeaseRecord deadLease = Json.mapper().readValue(storage.resolve("locks/schedule-" + JOB + ".json").toFile(),
                    LeaseRecord.class);
            assertThat(deadLease.pid()).as("the killed process held the job's lease").isEqualTo(victim.pid());

            // the survivor carries on alone for three more slots
            long survivorBefore = runsOf(survivor).stream().filter(r -> r.slot.isAfter(killedRun.slot)).count();
            awaitRunsOf(survivor, killedRun.slot, survivorBefore + 3);
            assertThat(survivor.stop()).isNotNegative();

            List<Run> runs = runs(both);
            Map<Instant, List<Run>> bySlot = new TreeMap<>();
            runs.forEach(r -> bySlot.computeIfAbsent(r.slot, s -> new ArrayList<>()).add(r));
            assertThat(bySlot.values()).as("runs per slot").allSatisfy(r -> assertThat(r).hasSize(1));

            Map<Instant, SlotMarker> markers = markers(storage);
            assertThat(markers.keySet()).as("a marker for exactly the slots that ran").isEqualTo(bySlot.keySet());
            markers.forEach((slot, m) -> assertThat(m.pid()).isEqualTo(bySlot.get(slot).get(0).pid));

            // no slot went missing between the first and the last run, the kill included
            Instant first = bySlot.keySet().iterator().next();
            Instant last = ((TreeMap<Instant, List<Run>>) bySlot).lastKey();
            for (Instant s = first; !s.isAfter(last); s = s.plusSeconds(2)) {
                assertThat(bySlot).as("slot %s", s).containsKey(s);
            }

            // the killed slot was claimed and not repeated; the next slot was taken over (at once: the holder is provably
            // dead on this machine, see the test below)
            assertThat(runsOf(victim).get(runsOf(victim).size() - 1).slot).isEqualTo(killedRun.slot);
            assertThat(victim.lines()).doesNotContain("DONE " + killedRun.slot);
            Run takeover = runsOf(survivor).stream().filter(r -> r.slot.isAfter(killedRun.slot)).findFirst().orElseThrow();
            assertThat(takeover.slot).isEqualTo(killedRun.slot.plusSeconds(2));
            assertThat(markers.get(takeover.slot).token()).isGreaterThan(deadLease.token());
        }
    }

    /**
     * Issue 14, acceptance 3: a scheduler on this machine takes over the schedule lease of a process killed with -9 at
     * once, without waiting the lease's 30 s out, because the lease names the holder by {@link
     * io.backupkit.core.internal.HostIdentity} (host fingerprint, pid, process start) and that pid is gone.
     */
    @Test
    void theScheduleLeaseOfAProcessKilledOnThisMachineIsTakenOverAtOnce() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        // every 2 s; lease ttl 30 s; the run works for two minutes, holding the lease until it is killed
        try (ChildJvm holder = ChildJvm.start(SchedulerMain.class, dir.resolve("holder.log"), storage.toString(), JOB, "2",
                "30000", "120000")) {
            assertThat(holder.await(l -> l.startsWith("RUN "), LIVENESS)).as("the child runs a slot").isPresent();
            LeaseRecord deadLease = Json.mapper().readValue(storage.resolve("locks/schedule-" + JOB + ".json").toFile(),
                    LeaseRecord.class);
            assertThat(deadLease.pid()).isEqualTo(holder.pid());
            assertThat(deadLease.host()).isEqualTo(io.backupkit.core.internal.HostIdentity.local().fingerprint());
            holder.kill();

            java.util.concurrent.BlockingQueue<Instant> runs = new java.util.concurrent.LinkedBlockingQueue<>();
            try (Scheduler here = Scheduler.builder(io.backupkit.storage.local.LocalStorageProvider.at(storage))
                    .leaseTtl(Duration.ofSeconds(30)).retryInterval(Duration.ofMillis(100)).build()) {
                here.schedule(JOB, io.backupkit.core.Schedule.every(Duration.ofSeconds(2)), false, run -> runs.add(Instant.now()));
                Instant started = runs.poll(LIVENESS.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertThat(started).as("a run after the kill").isNotNull();
                assertThat(started).as("taken over long before the dead lease's expiry").isBefore(deadLease.expires().minusSeconds(20));
            }
        }
    }

    private record Run(Instant slot, long pid, Instant started) {
    }

    private static List<Run> runsOf(ChildJvm child) {
        return child.lines().stream().filter(l -> l.startsWith("RUN ")).map(l -> {
            String[] p = l.split(" ");
            return new Run(Instant.parse(p[1]), Long.parseLong(p[2]), Instant.parse(p[3]));
        }).toList();
    }

    private static List<Run> runs(List<ChildJvm> children) {
        return children.stream().flatMap(c -> runsOf(c).stream()).toList();
    }

    private static void awaitRuns(List<ChildJvm> children, int count) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (runs(children).size() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("fewer than " + count + " runs within " + LIVENESS + ": " + runs(children));
            }
            Thread.sleep(10);
        }
    }

    private static void awaitRunsOf(ChildJvm child, Instant after, long count) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (runsOf(child).stream().filter(r -> r.slot.isAfter(after)).count() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the survivor did not run " + count + " slots after " + after + ": " + runsOf(child));
            }
            Thread.sleep(10);
        }
    }

    /** Waits for run number {@code seen + 1} and returns the process running it. */
    private static ChildJvm awaitNewRun(List<ChildJvm> children, int seen) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (System.nanoTime() < end) {
            for (ChildJvm c : children) {
                if (runs(children).size() > seen && runsOf(c).stream().anyMatch(r -> isLatest(r, children))) {
                    return c;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no new run within " + LIVENESS);
    }

    private static boolean isLatest(Run r, List<ChildJvm> children) {
        return runs(children).stream().map(Run::slot).max(Instant::compareTo).orElseThrow().equals(r.slot);
    }

    private static Map<Instant, SlotMarker> markers(Path storage) throws IOException {
        Map<Instant, SlotMarker> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(storage.resolve("locks/slots/" + JOB))) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                SlotMarker m = Json.mapper().readValue(f.toFile(), SlotMarker.class);
                assertThat(f.getFileName().toString()).isEqualTo(Scheduler.slotKey(m.slot()));
                out.put(m.slot(), m);
            }
        }
        return out;
    }
}
