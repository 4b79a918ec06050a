package io.backupkit.core.storage;

import io.backupkit.api.spi.StorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.testkit.StorageProviderContract;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Over a flaky backend, the retrying wrapper honours the whole contract: its retries are invisible to callers. The
 * backend fails the first attempt of every call (per verb, key and thread), retryably, so every operation of the
 * suite goes through one retry. Counting per thread keeps that deterministic under the concurrent tests, where a
 * global "every n-th call fails" could, by interleaving, fail one key's attempts every time.
 */
class RetryingStorageProviderContractTest extends StorageProviderContract {
    @Override
    protected StorageProvider createProvider() {
        FaultInjectingStorageProvider.Builder flaky = FaultInjectingStorageProvider.wrap(new InMemoryStorageProvider());
        for (Verb verb : new Verb[] {Verb.PUT, Verb.GET, Verb.STAT, Verb.LIST, Verb.DELETE}) {
            flaky.failCalls(verb, firstAttemptOfEachCall(verb));
        }
        return RetryingStorageProvider.wrap(flaky.build()).sleeper(duration -> { }).build();
    }

    /** True on attempts 1, 3, 5... of each (thread, key): the retry of a failed attempt succeeds. */
    private static Predicate<String> firstAttemptOfEachCall(Verb verb) {
        ConcurrentHashMap<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        return key -> attempts.computeIfAbsent(Thread.currentThread().getId() + "|" + key, k -> new AtomicInteger())
                .getAndIncrement() % 2 == 0;
    }
}
