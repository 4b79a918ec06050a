package io.backupkit.core.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.Compression;
import io.backupkit.api.Manifest;
import io.backupkit.api.StorageException;
import io.backupkit.api.internal.CountingDigestOutputStream;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the objects of one backup: each object is compressed, hashed (content and stored bytes) and
 * streamed through a bounded pipe into {@link StorageProvider#put} running on another thread. Thread-safe:
 * parallel dump workers may each write an object. Remembers every key it touched so a failed backup can be
 * removed.
 */
final class BackupWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWriter.class);
    private static final int CHUNK = 256 * 1024;
    private static final int CHUNKS_IN_FLIGHT = 8;

    private final StorageProvider storage;
    private final BackupId id;
    private final ExecutorService executor;
    private final LongConsumer contentBytes;
    private final List<Manifest.StoredObject> objects = new ArrayList<>();
    private final Set<String> touchedKeys = new LinkedHashSet<>();
    private final Set<String> paths = new LinkedHashSet<>();
    private final Set<ObjectStream> open = new LinkedHashSet<>();

    public BackupWriter(StorageProvider storage, BackupId id, ExecutorService executor, LongConsumer contentBytes) {
        this.storage = storage;
        this.id = id;
        this.executor = executor;
        this.contentBytes = contentBytes;
    }

    public BackupId id() {
        return id;
    }

    /**
     * Opens a new object. Closing the stream completes the upload and records the object; a failure of
     * the storage surfaces as an IOException from write or close.
     *
     * @param path path relative to the backup folder, a valid storage key
     */
    public OutputStream create(String path, Manifest.ObjectKind kind, Compression compression) {
        String key = Layout.objectKey(id, path);
        StorageKeys.requireKey(key);
        synchronized (this) {
            if (!paths.add(path)) {
                throw new IllegalArgumentException("object " + path + " was already written in backup " + id);
            }
            touchedKeys.add(key);
        }
        BytePipe pipe = new BytePipe(CHUNK, CHUNKS_IN_FLIGHT);
        Future<?> upload = executor.submit(() -> {
            try {
                storage.put(key, ContentSource.once(pipe.input()));
            } catch (RuntimeException | Error e) {
                pipe.closeInput(e);
                throw e;
            }
            pipe.closeInput(null);
            return null;
        });
        try {
            CountingDigestOutputStream stored = new CountingDigestOutputStream(pipe.output());
            OutputStream compressed = Codecs.compress(stored, compression);
            CountingDigestOutputStream content = new CountingDigestOutputStream(compressed);
            ObjectStream stream = new ObjectStream(content, compressed, stored, pipe, upload, path, kind, compression, key);
            synchronized (this) {
                open.add(stream);
            }
            return stream;
        } catch (IOException e) {
            pipe.fail(e);
            throw new StorageException("could not start object " + key + ": " + e.getMessage(), false, e);
        }
    }

    /** Writes a small object whole (the manifest). */
    public void putSmall(String path, byte[] bytes) {
        String key = Layout.objectKey(id, path);
        synchronized (this) {
            touchedKeys.add(key);
        }
        storage.put(key, ContentSource.of(bytes));
    }

    /** The objects completed so far, in path order. */
    public synchronized List<Manifest.StoredObject> objects() {
        List<Manifest.StoredObject> sorted = new ArrayList<>(objects);
        sorted.sort(Comparator.comparing(Manifest.StoredObject::path));
        return sorted;
    }

    /**
     * Aborts every object still being written (so no upload waits for data that will never come), then deletes
     * everything this writer stored. Deletion failures are logged and returned.
     */
    public List<Exception> abortAndDeleteAll(Throwable cause) {
        List<ObjectStream> pending;
        synchronized (this) {
            pending = new ArrayList<>(open);
        }
        for (ObjectStream s : pending) {
            abort(s, cause);
        }
        return deleteAll();
    }

    private List<Exception> deleteAll() {
        List<String> keys;
        synchronized (this) {
            keys = new ArrayList<>(touchedKeys);
        }
        List<Exception> failures = new ArrayList<>();
        for (String key : keys) {
            try {
                storage.delete(key);
            } catch (RuntimeException e) {
                LOG.warn("Could not delete {} of failed backup {}: {} (cleanUpInterrupted() removes it later)",
                        key, id, e.getMessage());
                failures.add(e);
            }
        }
        return failures;
    }

    private synchronized void completed(Manifest.StoredObject object) {
        objects.add(object);
    }

    private synchronized void forget(ObjectStream stream) {
        open.remove(stream);
    }

    private final class ObjectStream extends FilterOutputStream {
        private final CountingDigestOutputStream content;
        private final OutputStream compressed;
        private final CountingDigestOutputStream stored;
        private final BytePipe pipe;
        private final Future<?> upload;
        private final String path;
        private final Manifest.ObjectKind kind;
        private final Compression compression;
        private final String key;
        private boolean closed;

        ObjectStream(CountingDigestOutputStream content, OutputStream compressed, CountingDigestOutputStream stored,
                     BytePipe pipe, Future<?> upload, String path, Manifest.ObjectKind kind,
                     Compression compression, String key) {
            super(content);
            this.content = content;
            this.compressed = compressed;
            this.stored = stored;
            this.pipe = pipe;
            this.upload = upload;
            this.path = path;
            this.kind = kind;
            this.compression = compression;
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                content.write(b);
            } catch (IOException e) {
                throw storageFailure(e);
            }
            contentBytes.accept(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                content.write(b, off, len);
            } catch (IOException e) {
                throw storageFailure(e);
            }
            contentBytes.accept(len);
        }

        /**
         * A write failed because the upload stopped: the upload's own exception is the real cause, so wait for it
         * (it is ending) rather than report only that the storage stopped reading.
         */
        private IOException storageFailure(IOException writeFailure) {
            try {
                awaitUpload();
            } catch (IOException uploadFailure) {
                uploadFailure.addSuppressed(writeFailure);
                return uploadFailure;
            }
            return writeFailure;
        }

        @Override
        public void flush() {
            // Flushing a compressor mid-stream only costs ratio; the pipe delivers on close.
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            forget(this);
            try {
                compressed.close();
            } catch (IOException e) {
                IOException failure = storageFailure(e);
                pipe.fail(failure);
                throw failure;
            }
            awaitUpload();
            if (pipe.bytesRead() != stored.count()) {
                throw new IOException("the storage read " + pipe.bytesRead() + " of " + stored.count()
                        + " bytes of " + key + " and reported success");
            }
            completed(new Manifest.StoredObject(path, kind, content.count(), content.sha256(), stored.count(),
                    stored.sha256(), compression));
        }

        /** Called when the producer abandons the object: the upload is aborted, nothing becomes visible. */
        void abort(Throwable cause) {
            forget(this);
            pipe.fail(cause);
            awaitQuietly(cause);
        }

        private void awaitUpload() throws IOException {
            try {
                upload.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                upload.cancel(true);
                throw new InterruptedIOException("interrupted while storing " + key);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof BackupException be) {
                    throw new IOException("storing " + key + " failed: " + be.getMessage(), be);
                }
                throw new IOException("storing " + key + " failed: " + cause, cause);
            }
        }

        private void awaitQuietly(Throwable primary) {
            try {
                awaitUpload();
            } catch (IOException e) {
                if (e.getCause() != primary && e != primary) {
                    primary.addSuppressed(e);
                }
            }
        }
    }

    /** Aborts an object stream that was not completed (the producer failed). Safe to call on any stream. */
    public static void abort(OutputStream stream, Throwable cause) {
        if (stream instanceof BackupWriter.ObjectStream os && !os.closed) {
            os.closed = true;
            os.abort(cause);
        }
    }
}
