package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.SMALL_SEED;
import static io.backupkit.testkit.ContractBytes.bytes;
import static io.backupkit.testkit.ContractBytes.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link StorageProviderContract storage contract}. Atomic puts: a put that fails (source error, unchecked
 * exception, wrong length, first byte) leaves nothing visible and the previous object intact, and nothing hidden
 * ({@link StorageContractFixture#afterFailedPut()}); a put in progress is invisible; a reader polling during a slow
 * overwrite sees the old or the whole new object, never a prefix.
 */
public interface StorageAtomicityContract extends StorageContractFixture {

    @Test
    default void failedPutOfNewKeyLeavesNothingVisible() throws Exception {
        put("atomic/neighbour", bytes("n"));
        long size = settings().mediumObjectSize();
        Throwable thrown = catchThrowable(() -> storage().put("atomic/new", new FailingSource(10, size, size / 2, false)));
        assertThat(thrown).as("put whose source failed").isInstanceOf(StorageException.class);
        assertThat(storage().stat("atomic/new")).isEmpty();
        assertThatThrownBy(() -> storage().get("atomic/new")).isInstanceOf(BlobNotFoundException.class);
        assertThat(listKeys("")).containsExactly("atomic/neighbour");
        afterFailedPut();
    }

    @Test
    default void failedPutLeavesThePreviousObjectIntact() throws Exception {
        long size = settings().mediumObjectSize();
        FailingSource failing = new FailingSource(11, size, size / 2, false);
        Throwable thrown = failedPutOverPrevious(100_000, failing);
        assertThat(thrown).as("put whose source failed").isInstanceOf(StorageException.class);
        assertThat(failing.closed.get()).as("failed source stream closed by put").isTrue();
    }

    @Test
    default void putWhoseSourceThrowsUncheckedLeavesThePreviousObjectIntact() throws Exception {
        long size = settings().mediumObjectSize();
        Throwable thrown = failedPutOverPrevious(1_000, new FailingSource(12, size, size / 3, true));
        assertThat(thrown).as("put whose source threw an unchecked exception").isNotNull();
    }

    /**
     * Stores a previous object of {@code previousSize} bytes, then a put over it from {@code failing}; checks that the
     * previous object is still whole (content, stat, listing) and alone, and that nothing hidden is left.
     *
     * @return what the put over it threw
     */
    private Throwable failedPutOverPrevious(int previousSize, ContentSource failing) throws Exception {
        byte[] previous = SeededContent.bytes(SMALL_SEED, previousSize);
        put("atomic/key", previous);
        Throwable thrown = catchThrowable(() -> storage().put("atomic/key", failing));
        assertThat(readAll(storage().get("atomic/key"))).isEqualTo(previous);
        assertThat(storage().stat("atomic/key")).map(BlobInfo::size).contains((long) previousSize);
        assertThat(list("")).extracting(BlobInfo::key, BlobInfo::size)
                .containsExactly(tuple("atomic/key", (long) previousSize));
        afterFailedPut();
        return thrown;
    }

    @Test
    default void putFailingAtTheVeryFirstByteLeavesNothingVisible() throws Exception {
        Throwable thrown = catchThrowable(() -> storage().put("atomic/first", new FailingSource(13, 1_000, 0, false)));
        assertThat(thrown).isInstanceOf(StorageException.class);
        assertThat(storage().stat("atomic/first")).isEmpty();
        assertThat(listKeys("")).isEmpty();
        afterFailedPut();
    }

    @Test
    default void putOfSourceGivingOtherThanItsDeclaredLengthFailsAndStoresNothing() throws Exception {
        // Trusting the declared length would store a truncated object (a prefix) or wait forever for missing bytes.
        put("length/key", bytes("previous"));
        long size = 100_000;
        Throwable shorter = catchThrowable(() -> storage().put("length/key",
                ContentSource.once(SeededContent.stream(40, size - 1), OptionalLong.of(size))));
        Throwable longer = catchThrowable(() -> storage().put("length/new",
                ContentSource.once(SeededContent.stream(41, size + 1), OptionalLong.of(size))));
        assertThat(shorter).as("put of a source shorter than declared").isInstanceOf(StorageException.class);
        assertThat(longer).as("put of a source longer than declared").isInstanceOf(StorageException.class);
        assertThat(readAll(storage().get("length/key"))).isEqualTo(bytes("previous"));
        assertThat(storage().stat("length/new")).isEmpty();
        assertThat(listKeys("")).containsExactly("length/key");
        afterFailedPut();
    }

    @Test
    default void putInProgressIsInvisibleToStatGetAndList() throws Exception {
        long size = settings().mediumObjectSize();
        PausingSource source = new PausingSource(21, size, size / 2);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> put = executor.submit(() -> storage().put("progress/new", source));
            source.awaitPaused(put);
            for (int i = 0; i < 3; i++) {
                assertThat(storage().stat("progress/new")).isEmpty();
                assertThatThrownBy(() -> storage().get("progress/new")).isInstanceOf(BlobNotFoundException.class);
                assertThat(listKeys("")).isEmpty();
                assertThat(listKeys("progress/")).isEmpty();
            }
            source.resume();
            put.get(5, TimeUnit.MINUTES);
        } finally {
            source.resume();
            executor.shutdownNow();
        }
        assertThat(storage().stat("progress/new")).map(BlobInfo::size).contains(size);
        assertThat(SeededContent.sha256(storage().get("progress/new"))).isEqualTo(SeededContent.sha256(21, size));
        assertThat(listKeys("")).containsExactly("progress/new");
    }

    @Test
    default void readerPollingDuringASlowOverwriteSeesTheOldOrTheWholeNewObjectNeverAPrefix() throws Exception {
        long oldSize = 300_000;
        long newSize = settings().mediumObjectSize();
        storage().put("progress/key", SeededContent.source(30, oldSize));
        String oldSha = SeededContent.sha256(30, oldSize);
        String newSha = SeededContent.sha256(31, newSize);
        PausingSource source = new PausingSource(31, newSize, newSize / 2);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<?> put = executor.submit(() -> storage().put("progress/key", source));
            source.awaitPaused(put);
            // Half the new content has been handed to the provider: readers must still see the old object.
            assertThat(storage().stat("progress/key")).map(BlobInfo::size).contains(oldSize);
            assertThat(SeededContent.sha256(storage().get("progress/key"))).isEqualTo(oldSha);
            assertThat(list("")).extracting(BlobInfo::key, BlobInfo::size)
                    .containsExactly(tuple("progress/key", oldSize));

            AtomicBoolean sawNew = new AtomicBoolean();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            Future<Integer> poller = executor.submit(() -> {
                int polls = 0;
                do {
                    polls++;
                    Optional<BlobInfo> info = storage().stat("progress/key");
                    if (info.isEmpty() || (info.get().size() != oldSize && info.get().size() != newSize)) {
                        wrong.add("stat saw " + info);
                    }
                    SeededContent.Digest read = SeededContent.digest(storage().get("progress/key"));
                    if (read.sha256().equals(newSha)) {
                        sawNew.set(true);
                    } else if (!read.sha256().equals(oldSha)
                            && (settings().readsAreIsolatedFromOverwrites() || read.size() != oldSize && read.size() != newSize)) {
                        wrong.add("get saw " + read.size() + " bytes that are neither the old nor the new object");
                    }
                } while (!put.isDone() || !sawNew.get() && polls < 10_000);
                return polls;
            });
            source.resume();
            put.get(5, TimeUnit.MINUTES);
            poller.get(5, TimeUnit.MINUTES);
            assertThat(wrong).isEmpty();
            assertThat(sawNew).as("poller saw the new object after the put").isTrue();
        } finally {
            source.resume();
            executor.shutdownNow();
        }
        assertThat(SeededContent.sha256(storage().get("progress/key"))).isEqualTo(newSha);
    }
}
