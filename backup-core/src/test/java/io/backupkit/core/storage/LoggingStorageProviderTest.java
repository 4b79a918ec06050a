package io.backupkit.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.FaultInjectingStorageProvider;
import io.backupkit.testkit.FaultInjectingStorageProvider.Verb;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LoggingStorageProviderTest {
    private static final byte[] SECRET = "SECRET-CONTENT-4711".getBytes(StandardCharsets.UTF_8);

    private final InMemoryStorageProvider memory = new InMemoryStorageProvider();
    private final RecordingLogger recorder = new RecordingLogger(true);
    private final LoggingStorageProvider storage = LoggingStorageProvider.wrap(memory, recorder.logger);

    @Test
    void putLogsKeyBytesAndDurationButNeverTheContent() {
        storage.put("backups/x/db/t.zst", ContentSource.of(SECRET));
        assertThat(recorder.messages).singleElement().asString()
                .startsWith(memory.description() + ": put 'backups/x/db/t.zst' 19 bytes in ")
                .endsWith(" ms")
                .doesNotContain("SECRET");
    }

    @Test
    void getLogsTheBytesReadWhenTheStreamIsClosed() throws IOException {
        memory.put("k", ContentSource.of(SECRET));
        try (InputStream in = storage.get("k")) {
            assertThat(recorder.messages).isEmpty();
            in.readNBytes(5);
        }
        try (InputStream in = storage.get("k", ByteRange.of(2, 4))) {
            in.readAllBytes();
        }
        assertThat(recorder.messages).hasSize(2);
        assertThat(recorder.messages.get(0)).contains("get 'k' read 5 bytes in ").doesNotContain("SECRET");
        assertThat(recorder.messages.get(1)).contains("get 'k' bytes 2-5 read 4 bytes in ");
    }

    @Test
    void statListAndDeleteAreLogged() {
        memory.put("a/1", ContentSource.of(SECRET));
        memory.put("a/2", ContentSource.of(new byte[3]));
        storage.stat("a/1");
        storage.stat("a/none");
        try (Stream<BlobInfo> s = storage.list("a/")) {
            assertThat(s.count()).isEqualTo(2);
        }
        storage.delete("a/2");
        assertThat(recorder.messages).hasSize(4);
        assertThat(recorder.messages.get(0)).contains("stat 'a/1' 19 bytes in ");
        assertThat(recorder.messages.get(1)).contains("stat 'a/none' missing in ");
        assertThat(recorder.messages.get(2)).contains("list 'a/' returned 2 objects in ");
        assertThat(recorder.messages.get(3)).contains("delete 'a/2' in ");
    }

    @Test
    void failuresAreLoggedAndRethrownUnchanged() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failPutAfterBytes(5).build();
        LoggingStorageProvider logging = LoggingStorageProvider.wrap(faulty, recorder.logger);
        StorageException thrown = (StorageException) org.assertj.core.api.Assertions.catchThrowable(
                () -> logging.put("k", ContentSource.of(SECRET)));
        assertThat(thrown).hasMessageContaining("injected fault");
        assertThatThrownBy(() -> logging.get("missing")).isInstanceOf(BlobNotFoundException.class);
        assertThat(recorder.messages).hasSize(2);
        assertThat(recorder.messages.get(0)).contains("put 'k' failed after 6 bytes in ").contains("injected fault")
                .doesNotContain("SECRET");
        assertThat(recorder.messages.get(1)).contains("get 'missing' failed in ").contains("no object with key 'missing'");
    }

    @Test
    void nothingIsLoggedOrCountedWhenDebugIsOff() throws IOException {
        RecordingLogger quiet = new RecordingLogger(false);
        LoggingStorageProvider logging = LoggingStorageProvider.wrap(memory, quiet.logger);
        logging.put("k", ContentSource.of(SECRET));
        try (InputStream in = logging.get("k")) {
            assertThat(in.readAllBytes()).isEqualTo(SECRET);
            assertThat(in.getClass().getName()).doesNotContain("Logging"); // the provider's own stream, unwrapped
        }
        assertThat(quiet.messages).isEmpty();
    }

    @Test
    void failedStatIsLogged() {
        FaultInjectingStorageProvider faulty = FaultInjectingStorageProvider.wrap(memory).failNthCall(Verb.STAT, 1).build();
        LoggingStorageProvider logging = LoggingStorageProvider.wrap(faulty, recorder.logger);
        assertThatThrownBy(() -> logging.stat("k")).isInstanceOf(StorageException.class);
        assertThat(recorder.messages).singleElement().asString().contains("stat 'k' failed in ");
    }

    @Test
    void descriptionIsTheWrappedProviders() {
        assertThat(storage.description()).isEqualTo(memory.description());
    }
}
