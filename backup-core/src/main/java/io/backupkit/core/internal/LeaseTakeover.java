package io.backupkit.core.internal;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule for when a contender may take a lease: the lock is free, expired, or held by a process on this very
 * machine that provably no longer runs. One place for it, so "when is a lease taken over?" has one answer.
 */
record LeaseTakeover(String name, String host, long pid, Duration ttl) {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseTakeover.class);

    /**
     * Whether the lease is held at {@code now}, as far as {@code seen} tells. A live record of our own holder id
     * counts too: the lease is not re-entrant, and re-acquiring would bump the token under our own feet.
     */
    boolean heldAt(LeaseStore.Observed seen, Instant now) {
        if (seen.unreadable()) {
            return seen.unreadableWritten().isEmpty() || now.isBefore(seen.unreadableWritten().get().plus(ttl));
        }
        return seen.record().isPresent() && !seen.record().get().expiredAt(now) && !holderProvablyDead(seen.record().get());
    }

    /**
     * A holder on this very machine (same host fingerprint: host name, boot id and pid namespace, see
     * {@link HostIdentity}) whose process no longer runs cannot renew: its lease is taken over at once instead of
     * after the ttl. Never true for another machine, another boot, or a container with its own pid namespace, where
     * a pid says nothing.
     */
    private boolean holderProvablyDead(LeaseRecord record) {
        if (!record.host().equals(host) || record.pid() == pid) {
            return false;
        }
        boolean dead = HostIdentity.local().provablyDead(record.host(), record.pid(), record.processStart());
        if (dead) {
            LOG.info("lease '{}': its holder {} (pid {}) is no longer running on this machine; taking over", name,
                    record.holder(), record.pid());
        }
        return dead;
    }
}
