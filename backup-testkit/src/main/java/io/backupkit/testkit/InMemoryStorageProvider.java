package io.backupkit.testkit;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A {@link StorageProvider} in memory, for tests: thread-safe and honouring the whole contract (it passes
 * {@link StorageProviderContract}). An object becomes visible only once its source was read to the end, so a
 * failed put leaves the previous state. Objects are held in memory: keep them small.
 */
public final class InMemoryStorageProvider implements StorageProvider {
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final ConcurrentSkipListMap<String, Blob> objects = new ConcurrentSkipListMap<>();
    private final Clock clock;
    private final String name;

    /** An empty storage whose objects are timestamped by the system clock. */
    public InMemoryStorageProvider() {
        this(Clock.systemUTC());
    }

    /** An empty storage whose objects are timestamped by {@code clock} (to test retention by age). */
    public InMemoryStorageProvider(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.name = "memory:" + INSTANCES.incrementAndGet();
    }

    @Override
    public void put(String key, ContentSource source) {
        StorageKeys.requireKey(key);
        Objects.requireNonNull(source, "source");
        byte[] content = readFully(key, source);
        objects.put(key, new Blob(content, clock.instant()));
    }

    @Override
    public InputStream get(String key) {
        StorageKeys.requireKey(key);
        return new ByteArrayInputStream(require(key).content);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        StorageKeys.requireKey(key);
        Objects.requireNonNull(range, "range");
        byte[] content = require(key).content;
        int offset = (int) Math.min(range.offset(), content.length);
        long end = range.length().isPresent()
                ? Math.min(content.length, range.offset() + range.length().getAsLong()) : content.length;
        int length = (int) Math.max(0, end - offset);
        return new ByteArrayInputStream(content, offset, length);
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        StorageKeys.requireKey(key);
        Blob blob = objects.get(key);
        return blob == null ? Optional.empty() : Optional.of(blob.info(key));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        StorageKeys.requirePrefix(prefix);
        // Keys are ASCII, so every key starting with the prefix sorts below prefix + U+FFFF; the view is lazy
        // and weakly consistent, as a paging backend would be.
        ConcurrentNavigableMap<String, Blob> range = prefix.isEmpty()
                ? objects : objects.subMap(prefix, true, prefix + '\uffff', false);
        return range.entrySet().stream().map(e -> e.getValue().info(e.getKey()));
    }

    @Override
    public void delete(String key) {
        StorageKeys.requireKey(key);
        objects.remove(key);
    }

    @Override
    public String description() {
        return name;
    }

    /** How many objects are stored. */
    public int size() {
        return objects.size();
    }

    /** Total bytes stored. */
    public long totalBytes() {
        return objects.values().stream().mapToLong(b -> b.content.length).sum();
    }

    @Override
    public String toString() {
        return "InMemoryStorageProvider[" + name + ", " + objects.size() + " objects]";
    }

    private Blob require(String key) {
        Blob blob = objects.get(key);
        if (blob == null) {
            throw new BlobNotFoundException(key);
        }
        return blob;
    }

    private static byte[] readFully(String key, ContentSource source) {
        OptionalLong declared = source.length();
        if (declared.isPresent() && declared.getAsLong() > Integer.MAX_VALUE - 8) {
            throw new StorageException("cannot store '" + key + "' in memory: " + declared.getAsLong()
                    + " bytes is more than an in-memory object can hold", false);
        }
        byte[] content;
        try (InputStream in = source.open()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    declared.isPresent() ? (int) Math.min(declared.getAsLong(), 64 << 20) : 8192);
            in.transferTo(out);
            content = out.toByteArray();
        } catch (IOException e) {
            throw new StorageException("cannot store '" + key + "' in memory: reading its content failed: " + e.getMessage(),
                    false, e);
        } catch (OutOfMemoryError e) {
            throw new StorageException("cannot store '" + key + "' in memory: not enough heap", false, e);
        }
        if (declared.isPresent() && declared.getAsLong() != content.length) {
            throw new StorageException("cannot store '" + key + "': its content source declared " + declared.getAsLong()
                    + " bytes but gave " + content.length + "; nothing was stored", false);
        }
        return content;
    }

    private record Blob(byte[] content, Instant lastModified) {
        BlobInfo info(String key) {
            return new BlobInfo(key, content.length, lastModified);
        }
    }
}
