package io.backupkit.storage.local;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.SeededContent;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Main class of the small-heap child JVM of {@link LocalStorageProviderMemoryBoundTest}: stores an object of
 * {@code args[1]} bytes in local storage at {@code args[0]} and reads it back whole and in part, checking the
 * content. Exits 0 if all is right, 1 with the reason on stderr otherwise (an OutOfMemoryError also ends it non-zero).
 */
final class StreamsBigObject {
    private StreamsBigObject() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        long size = Long.parseLong(args[1]);
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (maxHeap >= size / 4) {
            fail("the heap (" + maxHeap + " bytes) is not small against the object (" + size + " bytes)");
        }
        LocalStorageProvider storage = LocalStorageProvider.at(root);
        storage.put("big/object", ContentSource.once(SeededContent.stream(99, size)));
        Optional<Long> stored = storage.stat("big/object").map(BlobInfo::size);
        if (!stored.equals(Optional.of(size))) {
            fail("stat says " + stored + ", expected " + size + " bytes");
        }
        SeededContent.Digest whole = SeededContent.digest(storage.get("big/object"));
        if (!whole.equals(new SeededContent.Digest(SeededContent.sha256(99, size), size))) {
            fail("the object read back differs from what was stored: " + whole);
        }
        long offset = size - size * 3 / 8;
        long length = size / 5;
        String part = SeededContent.sha256(storage.get("big/object", ByteRange.of(offset, length)));
        if (!part.equals(SeededContent.sha256(99, offset, length))) {
            fail("the range " + offset + "+" + length + " read back differs from what was stored");
        }
        System.exit(0);
    }

    private static void fail(String reason) {
        System.err.println(reason);
        System.exit(1);
    }
}
