package io.backupkit.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConflictException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.internal.Json;
import io.backupkit.core.internal.LeaseRecord;
import io.backupkit.core.internal.Sleeper;
import io.backupkit.core.internal.StorageLease;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StorageLeaseTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private final MutableClock clock = MutableClock.at("2026-03-04T02:00:00Z");
    private final InMemoryStorageProvider storage = new InMemoryStorageProvider(clock);

    private StorageLease lease(String holder) {
        return lease(storage, holder, clock);
    }

    private static StorageLease lease(StorageProvider storage, String holder, Clock clock) {
        return StorageLease.builder(storage, "backup").ttl(TTL).settleDelay(Duration.ZERO).clock(clock)
                .sleeper(d -> { }).holderId(holder).host("host-" + holder).pid(holder.hashCode() & 0xffff)
                .heartbeat(false).build();
    }

    @Test
    void contendersInThreadsExactlyOneWinsEachRound() throws Exception {
        InMemoryStorageProvider shared = new InMemoryStorageProvider();
        int contenders = 4;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int round = 0; round < 8; round++) {
                String name = "round-" + round;
                CyclicBarrier start = new CyclicBarrier(contenders);
                List<Future<Optional<StorageLease.Held>>> results = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    // the settle delay (150 ms) is far longer than a put to memory takes, which is what the protocol needs
                    StorageLease l = StorageLease.builder(shared, name).ttl(TTL).settleDelay(Duration.ofMillis(150))
                            .heartbeat(false).holderId("c" + i).build();
                    results.add(pool.submit(() -> {
                        start.await();
                        return l.tryAcquire();
                    }));
                }
                List<StorageLease.Held> winners = new ArrayList<>();
                for (Future<Optional<StorageLease.Held>> f : results) {
                    f.get(30, TimeUnit.SECONDS).ifPresent(winners::add);
                }
                assertThat(winners).as("winners of round %d", round).hasSize(1);
                LeaseRecord stored = Json.mapper().readValue(shared.get("locks/" + name + ".json"), LeaseRecord.class);
                assertThat(stored.holder()).isEqualTo(winners.get(0).record().holder());
                assertThat(winners.get(0).isHeld()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHeldLeaseKeepsOthersOutUntilItExpiresAndIsThenTakenOver() {
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        assertThat(a.token()).isEqualTo(1);
        assertThat(a.record().expires()).isEqualTo(Instant.parse("2026-03-04T02:00:30Z"));
        StorageLease b = lease("b");
        assertThat(b.tryAcquire()).isEmpty();
        clock.advance(TTL.minusMillis(1));
        assertThat(b.tryAcquire()).isEmpty();
        assertThat(a.isHeld()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(a.isHeld()).isFalse();
        assertThat(a.lostReason()).contains("it expired at 2026-03-04T02:00:30Z without being renewed");
        StorageLease.Held taken = b.tryAcquire().orElseThrow();
        assertThat(taken.token()).isEqualTo(2);
        assertThat(b.current()).get().extracting(LeaseRecord::holder, LeaseRecord::host).containsExactly("b", "host-b");
    }

    @Test
    void renewalKeepsTheLeaseAcrossManyTtls() {
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        StorageLease b = lease("b");
        for (int beat = 0; beat < 10; beat++) {
            clock.advance(TTL.dividedBy(3));
            assertThat(a.renew()).isTrue();
            assertThat(b.tryAcquire()).isEmpty();
        }
        assertThat(a.isHeld()).isTrue();
        assertThat(a.record().renewed()).isEqualTo(clock.instant());
        assertThat(a.record().acquired()).isEqualTo(Instant.parse("2026-03-04T02:00:00Z"));
        assertThat(a.token()).isEqualTo(1);
    }

    @Test
    void aHolderThatWasTakenOverNoticesAtItsNextRenewal() {
        List<String> lost = new CopyOnWriteArrayList<>();
        StorageLease.Held a = StorageLease.builder(storage, "backup").ttl(TTL).settleDelay(Duration.ZERO).clock(clock)
                .sleeper(d -> { }).holderId("a").heartbeat(false).onLost(lost::add).build().tryAcquire().orElseThrow();
        // b's view: a stopped renewing (a paused, or b's clock is ahead) and the lease expired; b takes over
        MutableClock later = new MutableClock(clock.instant().plus(TTL).plusSeconds(1));
        StorageLease.Held b = lease(storage, "b", later).tryAcquire().orElseThrow();
        // a, in its own time, is still before its expiry and would happily carry on
        clock.advance(Duration.ofSeconds(10));
        assertThat(a.isHeld()).isTrue();
        assertThat(a.renew()).isFalse();
        assertThat(a.isHeld()).isFalse();
        assertThat(lost).singleElement().asString().contains("taken over by holder b").contains("token 2");
        assertThatThrownBy(a::ensureHeld).isInstanceOf(ConflictException.class).hasMessageContaining("no longer held");
        // a's release must not remove b's lease
        a.close();
        assertThat(lease("c").current()).get().extracting(LeaseRecord::holder).isEqualTo("b");
        assertThat(b.isHeld()).isTrue();
    }

    @Test
    void aHolderOverwrittenInTheRaceWindowNoticesAtItsNextRenewal() throws Exception {
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        // a contender that read "free" before a's write and stalled past the settle delay writes now
        LeaseRecord stale = new LeaseRecord("backup", "slow", "h", 1, null, 1, clock.instant(), clock.instant(), clock.instant().plus(TTL));
        storage.put("locks/backup.json", ContentSource.of(Json.mapper().writeValueAsBytes(stale)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.renew()).isFalse();
        assertThat(a.lostReason()).get().asString().contains("taken over by holder slow");
    }

    @Test
    void aLateHeartbeatGivesTheLeaseUpInsteadOfRacing() {
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        clock.advance(TTL);
        assertThat(a.renew()).isFalse();
        assertThat(a.lostReason()).get().asString().contains("heartbeat came too late");
        assertThat(lease("b").tryAcquire()).isPresent();
    }

    @Test
    void aContenderWhoseWriteLandsLateWithdrawsAndLeavesTheLockBlockedForOneTtl() {
        AtomicBoolean slow = new AtomicBoolean(true);
        StorageProvider slowPuts = new DelegatingStorage(storage) {
            @Override
            public void put(String key, ContentSource source) {
                if (slow.get()) {
                    sleepQuietly(Duration.ofMillis(400)); // longer than the settle delay: a confirmed winner may exist
                }
                super.put(key, source);
            }
        };
        StorageLease a = StorageLease.builder(slowPuts, "backup").ttl(TTL).settleDelay(Duration.ofMillis(100)).clock(clock)
                .holderId("a").heartbeat(false).build();
        assertThat(a.tryAcquire()).isEmpty();
        // its record stays, so nobody else gets in while a holder it may have overwritten still believes it holds
        assertThat(lease("b").current()).get().extracting(LeaseRecord::holder).isEqualTo("a");
        assertThat(lease("b").tryAcquire()).isEmpty();
        clock.advance(TTL);
        assertThat(lease("b").tryAcquire()).isPresent();
    }

    @Test
    void aContenderThatPausesBetweenReadAndWriteReadsAgainAndGivesUpIfItKeepsPausing() throws Exception {
        LeaseRecord expired = new LeaseRecord("backup", "old", "h", 1, null, 7, clock.instant().minus(TTL.multipliedBy(2)),
                clock.instant().minus(TTL.multipliedBy(2)), clock.instant().minus(TTL));
        storage.put("locks/backup.json", ContentSource.of(Json.mapper().writeValueAsBytes(expired)));
        FaultInjectingStorageProvider slowReads = FaultInjectingStorageProvider.wrap(storage).slowReads(Duration.ofMillis(80)).build();
        StorageLease a = StorageLease.builder(slowReads, "backup").ttl(TTL).settleDelay(Duration.ofMillis(100)).clock(clock)
                .holderId("a").heartbeat(false).build();
        assertThat(a.tryAcquire()).isEmpty();
        assertThat(slowReads.calls(Verb.PUT)).as("never wrote on a stale read").isZero();
        assertThat(lease("b").current()).get().extracting(LeaseRecord::token).isEqualTo(7L);
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes every call to another storage; tests override single verbs. */
    private static class DelegatingStorage implements StorageProvider {
        private final StorageProvider delegate;

        DelegatingStorage(StorageProvider delegate) {
            this.delegate = delegate;
        }

        @Override
        public void put(String key, ContentSource source) {
            delegate.put(key, source);
        }

        @Override
        public java.io.InputStream get(String key) {
            return delegate.get(key);
        }

        @Override
        public java.io.InputStream get(String key, io.backupkit.api.spi.ByteRange range) {
            return delegate.get(key, range);
        }

        @Override
        public Optional<io.backupkit.api.spi.BlobInfo> stat(String key) {
            return delegate.stat(key);
        }

        @Override
        public java.util.stream.Stream<io.backupkit.api.spi.BlobInfo> list(String prefix) {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String key) {
            delegate.delete(key);
        }

        @Override
        public String description() {
            return delegate.description();
        }
    }

    @Test
    void releaseDeletesTheLockSoOthersGetItAtOnce() {
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        a.close();
        assertThat(storage.stat("locks/backup.json")).isEmpty();
        assertThat(a.isHeld()).isFalse();
        assertThatThrownBy(a::ensureHeld).hasMessageContaining("already released");
        a.close(); // idempotent
        StorageLease.Held b = lease("b").tryAcquire().orElseThrow();
        assertThat(b.isHeld()).isTrue();
    }

    @Test
    void releaseAfterExpiryLeavesTheLockToWhoeverTookItOver() {
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        clock.advance(TTL.plusSeconds(1));
        StorageLease.Held b = lease("b").tryAcquire().orElseThrow();
        a.close();
        assertThat(lease("c").current()).get().extracting(LeaseRecord::holder).isEqualTo("b");
        assertThat(b.renew()).isTrue();
    }

    @Test
    void theLeaseIsNotReentrant() {
        StorageLease l = lease("a");
        StorageLease.Held first = l.tryAcquire().orElseThrow();
        assertThat(l.tryAcquire()).isEmpty();
        assertThat(first.renew()).isTrue();
    }

    @Test
    void acquireWaitsAndThenNamesTheHolder() {
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        List<Duration> slept = new ArrayList<>();
        StorageLease b = StorageLease.builder(storage, "backup").ttl(TTL).settleDelay(Duration.ZERO).clock(clock)
                .sleeper(d -> {
                    slept.add(d);
                    clock.advance(d);
                }).retryInterval(Duration.ofSeconds(5)).holderId("b").heartbeat(false).build();
        assertThatThrownBy(() -> b.acquire(Duration.ofSeconds(12)))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("storage lock 'backup'")
                .hasMessageContaining("holder a on host host-a")
                .hasMessageContaining("until 2026-03-04T02:00:30Z")
                .hasMessageContaining("lapses by itself after 30 s");
        assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        // once a's lease lapses, waiting long enough gets it
        StorageLease.Held held = b.acquire(Duration.ofSeconds(60));
        assertThat(held.token()).isEqualTo(2);
        assertThat(a.isHeld()).isFalse();
    }

    @Test
    void anUnreadableLockObjectCountsAsHeldForOneTtlAfterItWasWritten() {
        storage.put("locks/backup.json", ContentSource.of("not json".getBytes(StandardCharsets.UTF_8)));
        assertThat(lease("a").tryAcquire()).isEmpty();
        assertThat(lease("a").current()).isEmpty();
        clock.advance(TTL);
        StorageLease.Held a = lease("a").tryAcquire().orElseThrow();
        assertThat(a.isHeld()).isTrue();
    }

    @Test
    void aStorageFailureDuringRenewalKeepsTheLeaseUntilItExpires() {
        AtomicBoolean broken = new AtomicBoolean();
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(storage)
                .failCalls(Verb.GET, key -> broken.get()).build();
        StorageLease.Held a = lease(faulty, "a", clock).tryAcquire().orElseThrow();
        broken.set(true);
        clock.advance(TTL.dividedBy(3));
        assertThatThrownBy(a::renew).isInstanceOf(StorageException.class).hasMessageContaining("injected fault");
        assertThat(a.isHeld()).isTrue();
        broken.set(false);
        clock.advance(TTL.dividedBy(3));
        assertThat(a.renew()).isTrue();
        assertThat(a.record().expires()).isEqualTo(clock.instant().plus(TTL));
    }

    @Test
    void theHeartbeatThreadRenewsInRealTime() throws Exception {
        InMemoryStorageProvider real = new InMemoryStorageProvider();
        StorageLease a = StorageLease.builder(real, "hb").ttl(Duration.ofMillis(1500)).settleDelay(Duration.ZERO)
                .holderId("a").build();
        StorageLease b = StorageLease.builder(real, "hb").ttl(Duration.ofMillis(1500)).settleDelay(Duration.ZERO)
                .holderId("b").heartbeat(false).build();
        try (StorageLease.Held held = a.tryAcquire().orElseThrow()) {
            Instant firstExpiry = held.record().expires();
            Sleeper.SYSTEM.sleep(Duration.ofMillis(3500)); // more than twice the ttl
            assertThat(held.isHeld()).isTrue();
            assertThat(held.record().expires()).isAfter(firstExpiry.plusMillis(1500));
            assertThat(b.tryAcquire()).isEmpty();
        }
        assertThat(real.stat("locks/hb.json")).isEmpty();
        assertThat(b.tryAcquire()).isPresent();
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> StorageLease.builder(storage, "../x")).hasMessageContaining("invalid lock name '../x'");
        assertThatThrownBy(() -> StorageLease.builder(storage, "a/b")).hasMessageContaining("invalid lock name");
        assertThatThrownBy(() -> StorageLease.builder(storage, "x").ttl(Duration.ofMillis(10)))
                .hasMessageContaining("at least 300 ms");
        assertThatThrownBy(() -> StorageLease.builder(storage, "x").ttl(Duration.ofSeconds(3)).settleDelay(Duration.ofSeconds(1)).build())
                .hasMessageContaining("shorter than a third of the ttl");
        assertThatThrownBy(() -> StorageLease.builder(storage, "x").settleDelay(Duration.ofSeconds(-1)))
                .hasMessageContaining("must not be negative");
    }
}
