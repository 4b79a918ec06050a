package io.backupkit.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.core.internal.Json;
import io.backupkit.core.internal.LeaseRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs contend for one lease in a shared local storage folder; the holder is killed with -9. */
class StorageLeaseProcessTest {
    private static final Duration LIVENESS = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** The two processes pose as two machines (distinct host names), where only the expiry can free a dead holder's lease. */
    @Test
    void onlyOneProcessHoldsTheLeaseAndTheOtherTakesOverAfterTheHolderIsKilled() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        String ttlMillis = "2000";
        try (ChildJvm first = ChildJvm.start(LeaseHolderMain.class, dir.resolve("first.log"), storage.toString(), "backup", ttlMillis, "machine-a");
             ChildJvm second = ChildJvm.start(LeaseHolderMain.class, dir.resolve("second.log"), storage.toString(), "backup", ttlMillis, "machine-b")) {
            List<ChildJvm> both = List.of(first, second);
            ChildJvm holder = awaitHolder(both);
            ChildJvm waiter = holder == first ? second : first;
            LeaseRecord held = readLock(storage);
            assertThat(held.pid()).isEqualTo(holder.pid());

            // The waiter keeps trying through several ttls while the holder's heartbeat keeps the lease alive.
            assertThat(waiter.await(l -> l.startsWith("STARTED"), LIVENESS)).isPresent();
            Thread.sleep(3 * Long.parseLong(ttlMillis));
            assertThat(waiter.lines()).noneMatch(l -> l.startsWith("ACQUIRED"));
            assertThat(holder.lines()).noneMatch(l -> l.startsWith("LOST"));
            LeaseRecord renewed = readLock(storage);
            assertThat(renewed.pid()).isEqualTo(holder.pid());
            assertThat(renewed.token()).isEqualTo(held.token());
            assertThat(renewed.expires()).isAfter(held.expires());

            holder.kill();
            LeaseRecord last = readLock(storage); // the dead holder's final record: nobody renews it any more
            assertThat(last.pid()).isEqualTo(holder.pid());

            Optional<String> taken = waiter.await(l -> l.startsWith("ACQUIRED"), LIVENESS);
            assertThat(taken).as("the waiter takes over once the dead holder's lease expires").isPresent();
            String[] parts = taken.get().split(" ");
            assertThat(Long.parseLong(parts[1])).isEqualTo(last.token() + 1);
            assertThat(Instant.parse(parts[2])).as("taken over only after the dead holder's expiry").isAfterOrEqualTo(last.expires());
            LeaseRecord now = readLock(storage);
            assertThat(now.pid()).isEqualTo(waiter.pid());
        }
    }

    /** On one machine a holder whose process is gone is provably dead: the lease is taken over without waiting for expiry. */
    @Test
    void onTheSameMachineADeadHoldersLeaseIsTakenOverAtOnce() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        String ttlMillis = "30000";
        try (ChildJvm first = ChildJvm.start(LeaseHolderMain.class, dir.resolve("first.log"), storage.toString(), "backup", ttlMillis);
             ChildJvm second = ChildJvm.start(LeaseHolderMain.class, dir.resolve("second.log"), storage.toString(), "backup", ttlMillis)) {
            ChildJvm holder = awaitHolder(List.of(first, second));
            ChildJvm waiter = holder == first ? second : first;
            assertThat(waiter.await(l -> l.startsWith("STARTED"), LIVENESS)).isPresent();
            holder.kill();
            LeaseRecord last = readLock(storage);
            Optional<String> taken = waiter.await(l -> l.startsWith("ACQUIRED"), LIVENESS);
            assertThat(taken).isPresent();
            assertThat(Instant.parse(taken.get().split(" ")[2])).as("taken over well before the 30 s expiry")
                    .isBefore(last.expires());
        }
    }

    private static ChildJvm awaitHolder(List<ChildJvm> children) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (System.nanoTime() < end) {
            List<ChildJvm> holders = children.stream().filter(c -> c.lines().stream().anyMatch(l -> l.startsWith("ACQUIRED"))).toList();
            if (!holders.isEmpty()) {
                assertThat(holders).as("processes holding the lease").hasSize(1);
                return holders.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no child acquired the lease within " + LIVENESS + ": " + children.get(0).lines() + " / "
                + children.get(1).lines());
    }

    private static LeaseRecord readLock(Path storage) throws Exception {
        return Json.mapper().readValue(storage.resolve("locks/backup.json").toFile(), LeaseRecord.class);
    }
}
