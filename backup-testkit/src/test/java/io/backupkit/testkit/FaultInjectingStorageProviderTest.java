package io.backupkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FaultInjectingStorageProviderTest {
    private final InMemoryStorageProvider memory = new InMemoryStorageProvider();

    @Test
    void putFailsAfterTheConfiguredBytesHavingConsumedThemAndStoresNothing() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failPutAfterBytes(4_096).build();
        CountingSource source = new CountingSource(SeededContent.bytes(1, 10_000));
        assertThatThrownBy(() -> storage.put("big", source))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("injected fault")
                .hasMessageContaining("'big'")
                .hasMessageContaining("4096 bytes")
                .satisfies(e -> assertThat(((StorageException) e).retryable()).isTrue());
        // the limit, plus the one byte that shows the content goes on past it
        assertThat(source.consumed).isEqualTo(4_097);
        assertThat(memory.size()).isZero();
        assertThat(storage.faultsInjected()).isEqualTo(1);
    }

    @Test
    void failedPutLeavesThePreviousObjectOfTheWrappedProvider() {
        memory.put("k", ContentSource.of(new byte[] {1, 2, 3}));
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failPutAfterBytes(10).build();
        assertThatThrownBy(() -> storage.put("k", ContentSource.of(new byte[100]))).isInstanceOf(StorageException.class);
        assertThat(readAll(memory.get("k"))).containsExactly(1, 2, 3);
    }

    @Test
    void putsUpToTheByteLimitSucceed() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failPutAfterBytes(100).build();
        storage.put("small", ContentSource.of(new byte[99]));
        storage.put("exact", ContentSource.of(new byte[100]));
        storage.put("unknown-length", ContentSource.once(SeededContent.stream(3, 100)));
        assertThat(memory.size()).isEqualTo(3);
        assertThat(storage.faultsInjected()).isZero();
    }

    @Test
    void byteLimitCanTargetKeys() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory)
                .failPutAfterBytes(10, key -> key.startsWith("db/")).build();
        storage.put("files/a", ContentSource.of(new byte[1_000]));
        assertThatThrownBy(() -> storage.put("db/t", ContentSource.of(new byte[1_000]))).isInstanceOf(StorageException.class);
        assertThat(memory.stat("files/a")).isPresent();
        assertThat(memory.stat("db/t")).isEmpty();
    }

    @Test
    void totalByteLimitFailsThePutThatCrossesItAndEveryLaterOne() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failAfterTotalBytes(250).build();
        storage.put("one", ContentSource.of(new byte[100]));
        storage.put("two", ContentSource.of(new byte[100]));
        assertThatThrownBy(() -> storage.put("three", ContentSource.of(new byte[100]))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.put("four", ContentSource.of(new byte[1]))).isInstanceOf(StorageException.class);
        assertThat(memory.list("").map(BlobInfo::key).collect(Collectors.toList())).containsExactlyInAnyOrder("one", "two");
    }

    @Test
    void nthCallOfAVerbFailsAndOnlyThatOne() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failNthCall(Verb.DELETE, 2).build();
        storage.delete("a");
        assertThatThrownBy(() -> storage.delete("b")).isInstanceOf(StorageException.class)
                .hasMessageContaining("injected fault").hasMessageContaining("call #2");
        assertThatCode(() -> storage.delete("c")).doesNotThrowAnyException();
        assertThat(storage.calls(Verb.DELETE)).isEqualTo(3);
        assertThat(storage.calls(Verb.PUT)).isZero();
    }

    @Test
    void firstCallsAndFromNthCallFail() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory)
                .failFirstCalls(Verb.STAT, 2).failFromNthCall(Verb.STAT, 4).build();
        assertThatThrownBy(() -> storage.stat("k")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.stat("k")).isInstanceOf(StorageException.class);
        assertThat(storage.stat("k")).isEmpty();
        assertThatThrownBy(() -> storage.stat("k")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.stat("k")).isInstanceOf(StorageException.class);
    }

    @Test
    void callsMatchingAKeyPredicateFailForEveryVerbUntilHealed() {
        memory.put("backups/x/manifest.json", ContentSource.of(new byte[] {1}));
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory)
                .failCalls(key -> key.endsWith("manifest.json")).retryable(false).build();
        assertThatThrownBy(() -> storage.put("backups/y/manifest.json", ContentSource.of(new byte[1])))
                .isInstanceOf(StorageException.class)
                .satisfies(e -> assertThat(((StorageException) e).retryable()).isFalse());
        assertThatThrownBy(() -> storage.get("backups/x/manifest.json")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.get("backups/x/manifest.json", ByteRange.from(0))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.stat("backups/x/manifest.json")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.delete("backups/x/manifest.json")).isInstanceOf(StorageException.class);
        storage.put("backups/y/data", ContentSource.of(new byte[1]));
        assertThat(storage.faultsInjected()).isEqualTo(5);

        storage.heal();
        storage.delete("backups/x/manifest.json");
        assertThat(memory.stat("backups/x/manifest.json")).isEmpty();
        assertThat(storage.healed()).isTrue();
    }

    @Test
    void verbSpecificPredicateFailsOnlyThatVerb() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory)
                .failCalls(Verb.LIST, prefix -> prefix.startsWith("logs/")).build();
        assertThatThrownBy(() -> storage.list("logs/")).isInstanceOf(StorageException.class);
        try (Stream<BlobInfo> stream = storage.list("backups/")) {
            assertThat(stream.count()).isZero();
        }
        storage.put("logs/a", ContentSource.of(new byte[1]));
        assertThat(memory.size()).isEqualTo(1);
    }

    @Test
    void healSwitchesOffByteLimits() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failPutAfterBytes(0).build();
        assertThatThrownBy(() -> storage.put("a", ContentSource.of(new byte[5]))).isInstanceOf(StorageException.class);
        storage.heal();
        storage.put("a", ContentSource.of(new byte[5]));
        assertThat(memory.stat("a")).map(BlobInfo::size).contains(5L);
    }

    @Test
    void slowReadsStillReturnTheWholeContent() {
        byte[] content = SeededContent.bytes(4, 5_000);
        memory.put("slow", ContentSource.of(content));
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).slowReads(Duration.ofMillis(1)).build();
        assertThat(readAll(storage.get("slow"))).isEqualTo(content);
        assertThat(readAll(storage.get("slow", ByteRange.of(10, 20)))).isEqualTo(java.util.Arrays.copyOfRange(content, 10, 30));
        assertThat(storage.calls(Verb.GET)).isEqualTo(2);
    }

    @Test
    void unsafeKeysAreRejectedBeforeAnyFaultOrDelegateCall() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failCalls(key -> true).build();
        assertThatThrownBy(() -> storage.put("../x", ContentSource.of(new byte[1]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.get("/x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.faultsInjected()).isZero();
    }

    @Test
    void builderRejectsNonsense() {
        var builder = FaultInjectingStorageProvider.wrap(memory);
        assertThatThrownBy(() -> builder.failNthCall(Verb.GET, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counted from 1");
        assertThatThrownBy(() -> builder.failPutAfterBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.slowReads(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultInjectingStorageProvider.wrap(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void onlyTheFirstPutsFailAfterBytesWhenLimitedInNumber() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failFirstPutsAfterBytes(1, 10).build();
        storage.put("small", ContentSource.of(new byte[5]));
        assertThatThrownBy(() -> storage.put("k", SeededContent.source(1, 100))).isInstanceOf(StorageException.class);
        storage.put("k", SeededContent.source(1, 100));
        assertThat(SeededContent.sha256(memory.get("k"))).isEqualTo(SeededContent.sha256(1, 100));
        assertThat(storage.faultsInjected()).isEqualTo(1);
    }

    @Test
    void firstGetsBreakAfterBytesWithARetryableCause() throws IOException {
        memory.put("k", SeededContent.source(2, 1_000));
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failFirstGetsAfterBytes(1, 100).build();
        try (InputStream in = storage.get("k")) {
            assertThat(in.readNBytes(100)).hasSize(100);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class)
                    .hasMessageContaining("injected fault")
                    .cause().isInstanceOf(StorageException.class)
                    .satisfies(e -> assertThat(((StorageException) e).retryable()).isTrue());
        }
        assertThat(SeededContent.sha256(storage.get("k"))).isEqualTo(SeededContent.sha256(2, 1_000));
    }

    @Test
    void everyNthCallFails() {
        FaultInjectingStorageProvider storage = FaultInjectingStorageProvider.wrap(memory).failEveryNthCall(Verb.STAT, 3).build();
        int failures = 0;
        for (int i = 0; i < 9; i++) {
            try {
                storage.stat("k");
            } catch (StorageException e) {
                failures++;
            }
        }
        assertThat(failures).isEqualTo(3);
        assertThatThrownBy(() -> FaultInjectingStorageProvider.wrap(memory).failEveryNthCall(Verb.STAT, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Counts the bytes the provider took from it. */
    private static final class CountingSource implements ContentSource {
        private final byte[] content;
        long consumed;

        CountingSource(byte[] content) {
            this.content = content;
        }

        @Override
        public InputStream open() {
            return new java.io.ByteArrayInputStream(content) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    int n = super.read(b, off, len);
                    consumed += Math.max(n, 0);
                    return n;
                }

                @Override
                public synchronized int read() {
                    int b = super.read();
                    consumed += b < 0 ? 0 : 1;
                    return b;
                }
            };
        }

        @Override
        public java.util.OptionalLong length() {
            return java.util.OptionalLong.of(content.length);
        }

        @Override
        public boolean repeatable() {
            return false;
        }
    }

    @SuppressWarnings("unused")
    private static List<String> keys(Stream<BlobInfo> s) {
        return s.map(BlobInfo::key).collect(Collectors.toList());
    }
}
