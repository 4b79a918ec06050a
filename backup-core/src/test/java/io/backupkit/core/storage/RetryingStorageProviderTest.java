package io.backupkit.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.CancelledException;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.ForwardingStorageProvider;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.api.spi.StorageProvider.InternalRetries;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.testkit.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryingStorageProviderTest {
    private final InMemoryStorageProvider memory = new InMemoryStorageProvider();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    private static final RetryPolicy FIVE = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1));

    private RetryingStorageProvider.Builder retrying(StorageProvider faulty) {
        return retrying(faulty, FIVE.maxAttempts());
    }

    private RetryingStorageProvider.Builder retrying(StorageProvider faulty, int attempts) {
        return RetryingStorageProvider.wrap(faulty).sleeper(sleeps::add)
                .policy(new RetryPolicy(attempts, FIVE.initialDelay(), FIVE.maxDelay()));
    }

    @AfterEach
    void interruptFlagIsClear() {
        Thread.interrupted();
    }

    @Test
    void retryableFailuresAreRetriedUntilTheCallSucceeds() {
        memory.put("k", ContentSource.of(new byte[7]));
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstCalls(Verb.STAT, 2).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        assertThat(storage.stat("k")).map(BlobInfo::size).contains(7L);
        assertThat(faulty.calls(Verb.STAT)).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void givesUpAfterMaxAttemptsSayingHowManyWereMade() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFromNthCall(Verb.DELETE, 1).build();
        RetryingStorageProvider storage = retrying(faulty, 4).build();
        Throwable thrown = catchThrowable(() -> storage.delete("k"));
        assertThat(thrown).isInstanceOf(StorageException.class)
                .hasMessageStartingWith("delete 'k' failed after 4 attempts: injected fault")
                .hasCauseInstanceOf(StorageException.class);
        assertThat(((StorageException) thrown).retryable()).isTrue();
        assertThat(thrown.getSuppressed()).hasSize(1); // the first failure (later ones are attached to it)
        assertThat(faulty.calls(Verb.DELETE)).isEqualTo(4);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void nonRetryableFailuresAreNotRetriedAndPassedOnUnchanged() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory)
                .failFirstCalls(Verb.DELETE, 1).retryable(false).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        Throwable thrown = catchThrowable(() -> storage.delete("k"));
        assertThat(thrown).isInstanceOf(StorageException.class).hasMessageStartingWith("injected fault");
        assertThat(faulty.calls(Verb.DELETE)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void missingObjectIsNotRetried() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        assertThatThrownBy(() -> storage.get("missing")).isInstanceOf(BlobNotFoundException.class);
        assertThat(faulty.calls(Verb.GET)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void missingObjectAfterARetryIsStillBlobNotFound() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstCalls(Verb.GET, 1).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        assertThatThrownBy(() -> storage.get("missing")).isInstanceOf(BlobNotFoundException.class);
        assertThat(faulty.calls(Verb.GET)).isEqualTo(2);
    }

    @Test
    void unsafeKeysAreRejectedWithoutCallingTheWrappedProvider() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        assertThatThrownBy(() -> storage.stat("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.list("/abs")).isInstanceOf(IllegalArgumentException.class);
        assertThat(faulty.calls(Verb.STAT) + faulty.calls(Verb.LIST)).isZero();
    }

    @Test
    void delaysGrowExponentiallyWithJitterUpToTheMaximum() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFromNthCall(Verb.STAT, 1).build();
        java.util.Random random = new java.util.Random(42);
        RetryingStorageProvider storage = retrying(faulty, 8).jitter(random::nextDouble).build();
        assertThatThrownBy(() -> storage.stat("k")).isInstanceOf(StorageException.class);
        assertThat(sleeps).hasSize(7);
        long[] steps = {100, 200, 400, 800, 1000, 1000, 1000};
        for (int i = 0; i < steps.length; i++) {
            assertThat(sleeps.get(i)).as("wait before attempt %d", i + 2)
                    .isBetween(Duration.ofMillis(steps[i] / 2), Duration.ofMillis(steps[i]));
        }
        assertThat(sleeps.stream().distinct().count()).as("jitter spreads the waits").isEqualTo(7);
    }

    @Test
    void jitterBoundsAreExact() {
        RetryingStorageProvider low = RetryingStorageProvider.wrap(memory).policy(FIVE).jitter(() -> 0.0).build();
        RetryingStorageProvider high = RetryingStorageProvider.wrap(memory).policy(FIVE).jitter(() -> 0.999999).build();
        assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(low.delay(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(low.delay(60)).isEqualTo(Duration.ofMillis(500));
        assertThat(high.delay(2)).isBetween(Duration.ofMillis(199), Duration.ofMillis(200));
        assertThat(high.delay(1_000)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
    }

    @Test
    void putOfRepeatableSourceIsRetriedFromTheStart() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstPutsAfterBytes(2, 50_000).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        storage.put("k", SeededContent.source(1, 200_000));
        assertThat(SeededContent.sha256(memory.get("k"))).isEqualTo(SeededContent.sha256(1, 200_000));
        assertThat(faulty.calls(Verb.PUT)).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void putOfOneShotSourceIsNotRetriedOnceTheSourceWasRead() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstPutsAfterBytes(1, 50_000).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        assertThatThrownBy(() -> storage.put("k", ContentSource.once(SeededContent.stream(1, 200_000))))
                .isInstanceOf(StorageException.class).hasMessageContaining("injected fault");
        assertThat(faulty.calls(Verb.PUT)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(memory.stat("k")).isEmpty();
    }

    @Test
    void putOfOneShotSourceIsRetriedWhenTheFailedAttemptNeverOpenedIt() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstCalls(Verb.PUT, 2).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        storage.put("k", ContentSource.once(SeededContent.stream(2, 10_000)));
        assertThat(SeededContent.sha256(memory.get("k"))).isEqualTo(SeededContent.sha256(2, 10_000));
        assertThat(faulty.calls(Verb.PUT)).isEqualTo(3);
    }

    @Test
    void getIsRetriedWhenOpeningFails() {
        memory.put("k", SeededContent.source(3, 5_000));
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstCalls(Verb.GET, 2).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        assertThat(SeededContent.sha256(storage.get("k", ByteRange.of(100, 1_000)))).isEqualTo(SeededContent.sha256(3, 100, 1_000));
        assertThat(faulty.calls(Verb.GET)).isEqualTo(3);
    }

    @Test
    void getIsRetriedWhenTheStreamFailsBeforeItsFirstByte() {
        memory.put("k", SeededContent.source(4, 5_000));
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstGetsAfterBytes(2, 0).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        assertThat(SeededContent.sha256(storage.get("k"))).isEqualTo(SeededContent.sha256(4, 5_000));
        assertThat(faulty.calls(Verb.GET)).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void getIsNotRetriedOnceBytesWereReturned() throws IOException {
        memory.put("k", SeededContent.source(5, 5_000));
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstGetsAfterBytes(1, 1_000).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        try (InputStream in = storage.get("k")) {
            assertThat(in.readNBytes(1_000)).hasSize(1_000);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("injected fault");
        }
        assertThat(faulty.calls(Verb.GET)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void listIsRetriedUntilItsFirstObjectIsKnown() {
        memory.put("a/1", ContentSource.of(new byte[1]));
        memory.put("a/2", ContentSource.of(new byte[1]));
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstCalls(Verb.LIST, 2).build();
        RetryingStorageProvider storage = retrying(faulty).build();
        try (Stream<BlobInfo> listed = storage.list("a/")) {
            assertThat(listed.map(BlobInfo::key).collect(Collectors.toList())).containsExactlyInAnyOrder("a/1", "a/2");
        }
        assertThat(faulty.calls(Verb.LIST)).isEqualTo(3);
    }

    @Test
    void interruptionWhileWaitingCancelsAndKeepsTheInterruptFlag() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstCalls(Verb.STAT, 1).build();
        RetryingStorageProvider storage = RetryingStorageProvider.wrap(faulty).sleeper(d -> {
            throw new InterruptedException("stop");
        }).build();
        Throwable thrown = catchThrowable(() -> storage.stat("k"));
        assertThat(thrown).isInstanceOf(CancelledException.class).hasMessageContaining("interrupted while waiting to retry stat 'k'");
        assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(StorageException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void builderTakesEachSettingOnce() {
        RetryingStorageProvider.Builder builder = RetryingStorageProvider.wrap(memory).policy(FIVE);
        assertThatThrownBy(() -> builder.policy(RetryPolicy.DEFAULT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("policy was already set");
        assertThatThrownBy(() -> builder.policy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RetryingStorageProvider.wrap(null)).isInstanceOf(NullPointerException.class);
        assertThat(RetryingStorageProvider.wrap(memory).build().policy()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void aPutTheProviderRetriesInsideIsNotRetriedAgainButItsReadsAre() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory)
                .failFirstCalls(Verb.PUT, 1).failFirstCalls(Verb.STAT, 1).build();
        RetryingStorageProvider storage = retrying(new RetriesInside(faulty, InternalRetries.PUT)).build();
        assertThatThrownBy(() -> storage.put("k", ContentSource.of(new byte[3]))).isInstanceOf(StorageException.class)
                .hasMessageStartingWith("injected fault");
        assertThat(faulty.calls(Verb.PUT)).as("the provider's own retries were spent already").isEqualTo(1);
        assertThat(storage.stat("k")).isEmpty();
        assertThat(faulty.calls(Verb.STAT)).isEqualTo(2);
    }

    @Test
    void aProviderThatRetriesEverythingItselfGetsNoAttemptOnTop() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory)
                .failFromNthCall(Verb.STAT, 1).failFromNthCall(Verb.GET, 1).failFromNthCall(Verb.LIST, 1)
                .failFromNthCall(Verb.DELETE, 1).build();
        RetryingStorageProvider storage = retrying(new RetriesInside(faulty, InternalRetries.ALL)).build();
        assertThatThrownBy(() -> storage.stat("k")).hasMessageStartingWith("injected fault");
        assertThatThrownBy(() -> storage.get("k")).hasMessageStartingWith("injected fault");
        assertThatThrownBy(() -> storage.list("").close()).hasMessageStartingWith("injected fault");
        assertThatThrownBy(() -> storage.delete("k")).hasMessageStartingWith("injected fault");
        for (Verb verb : new Verb[] {Verb.STAT, Verb.GET, Verb.LIST, Verb.DELETE}) {
            assertThat(faulty.calls(verb)).as(verb.name()).isEqualTo(1);
        }
        assertThat(sleeps).isEmpty();
        assertThat(storage.internalRetries()).as("a wrapper outside this one adds nothing either")
                .isEqualTo(InternalRetries.ALL);
    }

    /** A provider that declares what it retries itself (as S3 does), delegating the rest. */
    private static final class RetriesInside extends ForwardingStorageProvider {
        private final InternalRetries inside;

        RetriesInside(StorageProvider delegate, InternalRetries inside) {
            super(delegate);
            this.inside = inside;
        }

        @Override
        public InternalRetries internalRetries() {
            return inside;
        }
    }

    @Test
    void oneAttemptMeansNoRetry() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failFirstCalls(Verb.STAT, 1).build();
        RetryingStorageProvider storage = retrying(faulty, 1).build();
        assertThatThrownBy(() -> storage.stat("k")).isInstanceOf(StorageException.class).hasMessageStartingWith("injected fault");
        assertThat(sleeps).isEmpty();
    }
}
