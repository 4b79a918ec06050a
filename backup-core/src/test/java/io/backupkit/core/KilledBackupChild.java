package io.backupkit.core;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupType;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Main class of the child JVM of {@link KilledBackupTest}: runs a files backup to local storage and, at the moment
 * {@code args[2]} names, prints {@code BLOCKED <key>} and blocks for good, so the parent kills it exactly there.
 */
final class KilledBackupChild {
    /** Where the child stops for its kill. */
    enum StopAt {
        /** Inside the put of the files archive, after part of it was written. */
        DURING_FIRST_OBJECT,
        /** Inside the put of the manifest, the last object, after all others completed. */
        DURING_MANIFEST,
        /** After all objects but the manifest completed, before the manifest's put starts. */
        BEFORE_MANIFEST
    }

    static final String BLOCKED = "BLOCKED ";
    /** Bytes of the files archive written before the child blocks, so the killed put has a partly written file. */
    static final long ARCHIVE_BYTES_BEFORE_STOP = 200_000;
    /** If the parent never kills it (a bug), the child ends by itself rather than outlive the test run. */
    private static final Duration WATCHDOG = Duration.ofMinutes(5);

    private KilledBackupChild() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(WATCHDOG.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Path store = Path.of(args[0]);
        Path media = Path.of(args[1]);
        StopAt stopAt = StopAt.valueOf(args[2]);
        StorageProvider storage = new StoppingStorage(LocalStorageProvider.at(store), stopAt);
        try (BackupEngine engine = BackupKit.builder().storage(storage).files(media).build()) {
            engine.backup(BackupType.FILES);
        }
        System.out.println("FINISHED without stopping at " + stopAt);
        System.exit(2);
    }

    /** Announces on stdout that the child is stopped at {@code key}, then never returns. */
    static void stop(String key) {
        System.out.println(BLOCKED + key);
        System.out.flush();
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(4); // never go on as if nothing happened
    }

    /** Local storage that stops the process at one point of one put. */
    private static final class StoppingStorage implements StorageProvider {
        private final StorageProvider delegate;
        private final StopAt stopAt;

        StoppingStorage(StorageProvider delegate, StopAt stopAt) {
            this.delegate = delegate;
            this.stopAt = stopAt;
        }

        @Override
        public void put(String key, ContentSource source) {
            boolean manifest = key.endsWith("/manifest.json");
            boolean archive = key.contains("/files/files.tar");
            switch (stopAt) {
                case DURING_FIRST_OBJECT -> {
                    if (archive) {
                        delegate.put(key, stoppingAfter(source, key, ARCHIVE_BYTES_BEFORE_STOP));
                        return;
                    }
                }
                case DURING_MANIFEST -> {
                    if (manifest) {
                        delegate.put(key, stoppingAfter(source, key, 0));
                        return;
                    }
                }
                case BEFORE_MANIFEST -> {
                    if (manifest) {
                        stop(key);
                    }
                }
            }
            delegate.put(key, source);
        }

        /** The content, stopping the process at the first read after {@code bytes} bytes were read. */
        private static ContentSource stoppingAfter(ContentSource source, String key, long bytes) {
            return new ContentSource() {
                @Override
                public InputStream open() throws IOException {
                    return new FilterInputStream(source.open()) {
                        private long read;

                        @Override
                        public int read() throws IOException {
                            byte[] one = new byte[1];
                            int n = read(one, 0, 1);
                            return n < 0 ? -1 : one[0] & 0xff;
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            if (read >= bytes) {
                                stop(key);
                            }
                            int n = super.read(b, off, (int) Math.min(len, bytes - read));
                            if (n > 0) {
                                read += n;
                            }
                            return n;
                        }
                    };
                }

                @Override
                public OptionalLong length() {
                    return source.length();
                }

                @Override
                public boolean repeatable() {
                    return source.repeatable();
                }
            };
        }

        @Override
        public InputStream get(String key) {
            return delegate.get(key);
        }

        @Override
        public InputStream get(String key, ByteRange range) {
            return delegate.get(key, range);
        }

        @Override
        public Optional<BlobInfo> stat(String key) {
            return delegate.stat(key);
        }

        @Override
        public Stream<BlobInfo> list(String prefix) {
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
}
