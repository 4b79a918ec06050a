package io.backupkit.core.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * The content of a lease lock object, {@code locks/<name>.json}.
 *
 * @param name     the lock's name
 * @param holder   unique id of the holding {@link StorageLease} instance (a UUID unless configured)
 * @param host     host fingerprint of the holder ({@link HostIdentity#fingerprint()}): for people, and with pid and
 *                 processStart to take over at once from a holder on this machine whose process is gone
 * @param pid      process id of the holder
 * @param processStart when the holder process started; null if unknown (or written before it was recorded)
 * @param token    fencing token: one more than the token of the record it replaced, so a holder that finds
 *                 a different token knows it was taken over
 * @param acquired when this holder took the lease
 * @param renewed  the last heartbeat
 * @param expires  when the lease lapses unless renewed; after that anyone may take it over
 */
public record LeaseRecord(String name, String holder, String host, long pid, Instant processStart, long token, Instant acquired,
                          Instant renewed, Instant expires) {
    public LeaseRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(acquired, "acquired");
        Objects.requireNonNull(renewed, "renewed");
        Objects.requireNonNull(expires, "expires");
    }

    /** Whether the lease has lapsed at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expires);
    }

    /** Whether this record is the one a holder wrote with that token. */
    public boolean isHeldBy(String holderId, long fencingToken) {
        return holder.equals(holderId) && token == fencingToken;
    }

    /** For messages: {@code holder 3f2a... on host app-1 (pid 4242) until 2026-03-04T02:01:00Z}. */
    public String describe() {
        return "holder " + holder + " on host " + host + " (pid " + pid + ") until " + expires;
    }
}
