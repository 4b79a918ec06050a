package io.backupkit.core.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * The content of {@code locks/slots/<job>/<slot>}: proof that one instance claimed the run of that slot.
 *
 * @param job       the job's name
 * @param slot      the instant the run was due
 * @param holder    holder id of the instance that claimed it
 * @param host      its host
 * @param pid       its process id
 * @param token     the fencing token of the lease it held when claiming
 * @param claimedAt when it claimed the slot
 * @param catchUp   whether this was a catch-up run of a slot missed while no instance was running
 */
public record SlotMarker(String job, Instant slot, String holder, String host, long pid, long token, Instant claimedAt,
                         boolean catchUp) {
    public SlotMarker {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(claimedAt, "claimedAt");
    }
}
