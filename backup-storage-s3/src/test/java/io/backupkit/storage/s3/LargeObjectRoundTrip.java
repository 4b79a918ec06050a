package io.backupkit.storage.s3;

import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.testkit.SeededContent;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Runs in a child JVM started with a small heap by {@link S3LargeObjectTest}: streams a generated backup of
 * unknown length to S3 through the provider (default part size and parts in flight, credentials from the
 * environment via the default chain), reads it back whole and in ranges, and compares SHA-256s. Nothing is held
 * in memory beyond the provider's part buffers. Prints {@code RESULT OK ...} with timings, or exits non-zero.
 */
public final class LargeObjectRoundTrip {
    private static final long SEED = 2026;

    private LargeObjectRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        long size = Long.parseLong(args[2]);
        String key = "large/backup.zst";
        try (S3StorageProvider storage = S3StorageProvider.builder().bucket(bucket).region("us-east-1")
                .endpointOverride(endpoint).pathStyleAccess(true).defaultCredentials().build()) {
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            long start = System.nanoTime();
            storage.put(key, ContentSource.once(new DigestInputStream(SeededContent.stream(SEED, size), sent)));
            long uploadMillis = (System.nanoTime() - start) / 1_000_000;
            String sentSha = HexFormat.of().formatHex(sent.digest());

            BlobInfo info = storage.stat(key).orElseThrow(() -> new AssertionError("object missing after put"));
            check(info.size() == size, "stat size " + info.size() + " != " + size);

            start = System.nanoTime();
            SeededContent.Digest read = SeededContent.digest(storage.get(key));
            long downloadMillis = (System.nanoTime() - start) / 1_000_000;
            check(read.size() == size, "read " + read.size() + " bytes, expected " + size);
            check(read.sha256().equals(sentSha), "SHA-256 of the download " + read.sha256() + " != sent " + sentSha);

            int part = S3StorageProvider.Builder.DEFAULT_PART_SIZE;
            long[][] ranges = {{0, 1}, {part - 100, 200}, {size / 2 + 3, 3_000_000}, {size - 777, 777},
                    {size - 10, 1_000}};
            for (long[] range : ranges) {
                long length = Math.min(range[1], size - range[0]);
                try (InputStream in = storage.get(key, ByteRange.of(range[0], range[1]))) {
                    String got = SeededContent.sha256(in);
                    check(got.equals(SeededContent.sha256(SEED, range[0], length)),
                            "range " + range[0] + "+" + range[1] + " differs");
                }
            }
            // Reading the first bytes and closing must not download the rest.
            try (InputStream in = storage.get(key)) {
                check(in.readNBytes(10).length == 10, "short read");
            }
            System.out.println("RESULT OK size=" + size + " uploadMillis=" + uploadMillis + " downloadMillis="
                    + downloadMillis + " sha256=" + sentSha + " maxHeap=" + Runtime.getRuntime().maxMemory()
                    + " peakHeapUsed=" + peakHeap());
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            System.out.println("RESULT FAILED " + message);
            System.exit(2);
        }
    }
}
