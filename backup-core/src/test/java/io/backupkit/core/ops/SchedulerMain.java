package io.backupkit.core.ops;

import io.backupkit.core.Schedule;
import io.backupkit.core.internal.Scheduler;
import io.backupkit.storage.local.LocalStorageProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Child process for {@link SchedulerProcessTest}: schedules job {@code args[1]} every {@code args[2]} seconds on
 * the local storage at {@code args[0]}, with lease ttl {@code args[3]} ms; each run prints
 * {@code RUN <slot> <pid> <started>}, works {@code args[4]} ms and prints {@code DONE <slot>}. Runs until killed;
 * SIGTERM closes the scheduler cleanly.
 */
public final class SchedulerMain {
    private SchedulerMain() {
    }

    public static void main(String[] args) throws Exception {
        Duration ttl = Duration.ofMillis(Long.parseLong(args[3]));
        long workMillis = Long.parseLong(args[4]);
        long pid = ProcessHandle.current().pid();
        Scheduler scheduler = Scheduler.builder(LocalStorageProvider.at(Path.of(args[0])))
                .holderId("pid-" + pid).leaseTtl(ttl).settleDelay(ttl.dividedBy(8)).retryInterval(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(10)).build();
        Runtime.getRuntime().addShutdownHook(new Thread(scheduler::close));
        scheduler.schedule(args[1], Schedule.every(Duration.ofSeconds(Long.parseLong(args[2]))), false, run -> {
            System.out.println("RUN " + run.slot() + " " + pid + " " + Instant.now());
            try {
                Thread.sleep(workMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            System.out.println("DONE " + run.slot());
        });
        System.out.println("STARTED " + pid);
        Thread.sleep(Long.MAX_VALUE);
    }
}
