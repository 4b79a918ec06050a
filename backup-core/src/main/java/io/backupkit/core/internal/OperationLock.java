package io.backupkit.core.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock an operation runs under: this engine's in-process permit, then the storage-wide lease
 * ({@code locks/operations.json}). Backup, restore, delete, import, clean-up and recovery hold it so that instances
 * sharing a storage never run over each other; inside one engine they queue. Nested operations (a restore's safety
 * backup) run under their parent's lock. Everything about taking, keeping and losing the lease is here.
 */
final class OperationLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationLock.class);
    private static final long PERMIT_POLL_MILLIS = 100;

    private final Semaphore permit;
    /** Null when the engine runs without the storage-wide lock. */
    private final StorageLease.Held lease;

    private OperationLock(Semaphore permit, StorageLease.Held lease) {
        this.permit = permit;
        this.lease = lease;
    }

    /**
     * Takes the lock a mutating top-level operation needs; null for one that needs none. Waiting for the permit
     * stops when the engine closes or the operation is cancelled; a lost lease cancels the operation.
     */
    static OperationLock acquire(EngineContext context, OperationScope scope) throws InterruptedException {
        if (!needsLock(scope)) {
            return null;
        }
        while (!context.operationPermit.tryAcquire(PERMIT_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            context.ensureOpen();
            scope.checkCancelled();
        }
        EngineConfig.LockSettings settings = context.config.lock();
        if (!settings.enabled()) {
            return new OperationLock(context.operationPermit, null);
        }
        try {
            StorageLease lease = StorageLease.builder(context.storage, "operations").ttl(settings.ttl())
                    .settleDelay(settings.settleDelay()).holderId(scope.id)
                    .onLost(reason -> {
                        LOG.error("{} {} lost the storage lock ({}); stopping it", scope.operation, scope.id, reason);
                        scope.cancel();
                    })
                    .renewWhile(() -> scope.watchdog == null || !scope.watchdog.tripped())
                    .build();
            return new OperationLock(context.operationPermit, lease.acquire(settings.maxWait()));
        } catch (RuntimeException e) {
            context.operationPermit.release();
            throw e;
        }
    }

    private static boolean needsLock(OperationScope scope) {
        boolean mutating = switch (scope.operation) {
            case BACKUP, RESTORE, DELETE, IMPORT, CLEANUP, RECOVER -> true;
            default -> false;
        };
        return mutating && scope.parent == null;
    }

    /** Never throws: a lock that cannot be released lapses after its ttl, and must not hide the operation's outcome. */
    @Override
    public void close() {
        try {
            if (lease != null) {
                lease.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not release the storage lock (it lapses by itself after its ttl): {}", e.getMessage());
        } finally {
            permit.release();
        }
    }
}
