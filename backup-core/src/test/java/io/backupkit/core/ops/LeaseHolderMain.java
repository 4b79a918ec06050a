package io.backupkit.core.ops;

import io.backupkit.core.internal.StorageLease;
import io.backupkit.storage.local.LocalStorageProvider;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for {@link StorageLeaseProcessTest}: takes the lease {@code args[1]} in the local storage at
 * {@code args[0]} (ttl {@code args[2]} ms; optional {@code args[3]}: the host name to record), prints {@code ACQUIRED <token>}, and holds it by heartbeat until killed.
 */
public final class LeaseHolderMain {
    private LeaseHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
        StorageLease.Builder builder = StorageLease.builder(LocalStorageProvider.at(Path.of(args[0])), args[1]).ttl(ttl)
                .settleDelay(ttl.dividedBy(8)).retryInterval(ttl.dividedBy(8))
                .onLost(reason -> System.out.println("LOST " + reason));
        if (args.length > 3) {
            builder.host(args[3]); // pose as another machine: its pid means nothing here
        }
        StorageLease lease = builder.build();
        System.out.println("STARTED");
        StorageLease.Held held = lease.acquire(Duration.ofMinutes(5));
        System.out.println("ACQUIRED " + held.token() + " " + held.record().acquired());
        Thread.sleep(Long.MAX_VALUE);
    }
}
