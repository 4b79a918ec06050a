package io.backupkit.core.internal;

import io.backupkit.api.internal.SingleByteViaBulkRead;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe from one producer thread to one consumer thread, used to hand a stream being
 * written (a dump, a tar) to a storage provider that pulls an {@link InputStream}. Memory is at most
 * {@code capacity} chunks. Failures cross over: if the producer {@link #fail fails}, the consumer's read
 * throws; if the consumer closes early, the producer's write throws. Unlike {@code PipedInputStream} it
 * never polls for a dead thread and never loses the cause.
 */
final class BytePipe {
    private static final byte[] END = new byte[0];
    private static final long POLL_MS = 50;

    private final BlockingQueue<byte[]> queue;
    private final int chunkSize;
    private final Output output = new Output();
    private final Input input = new Input();
    private volatile Throwable producerFailure;
    private volatile boolean consumerClosed;
    private volatile Throwable consumerFailure;
    private volatile long bytesRead;

    public BytePipe(int chunkSize, int capacity) {
        this.chunkSize = chunkSize;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** The producer's end. {@code close()} marks the end of the data. */
    public OutputStream output() {
        return output;
    }

    /** The consumer's end. */
    public InputStream input() {
        return input;
    }

    /** Makes the consumer's next read throw an IOException with this cause. */
    public void fail(Throwable cause) {
        producerFailure = cause;
        queue.clear();
        queue.offer(END);
    }

    /** Closes the consumer's end, recording why, so the producer stops at once. */
    public void closeInput(Throwable cause) {
        consumerFailure = cause;
        input.close();
    }

    /** Bytes the consumer has read so far. */
    public long bytesRead() {
        return bytesRead;
    }

    private final class Output extends OutputStream {
        private byte[] chunk = new byte[chunkSize];
        private int used;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            if (used == chunk.length) {
                flushChunk();
            }
            chunk[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            while (len > 0) {
                if (used == chunk.length) {
                    flushChunk();
                }
                int n = Math.min(len, chunk.length - used);
                System.arraycopy(b, off, chunk, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            if (used > 0) {
                flushChunk();
            }
            closed = true;
            enqueue(END);
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("pipe already closed");
            }
        }

        private void flushChunk() throws IOException {
            ensureOpen();
            byte[] full = used == chunk.length ? chunk : Arrays.copyOf(chunk, used);
            enqueue(full);
            chunk = new byte[chunkSize];
            used = 0;
        }

        private void enqueue(byte[] item) throws IOException {
            try {
                checkConsumer();
                while (!queue.offer(item, POLL_MS, TimeUnit.MILLISECONDS)) {
                    checkConsumer();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing to storage");
            }
        }

        private void checkConsumer() throws IOException {
            if (consumerClosed) {
                Throwable why = consumerFailure;
                throw new IOException("the storage stopped reading the stream"
                        + (why == null ? "" : ": " + why.getMessage()), why);
            }
        }
    }

    private final class Input extends SingleByteViaBulkRead {
        private byte[] current = new byte[0];
        private int pos;
        private boolean ended;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == current.length && !next()) {
                return -1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            bytesRead += n;
            return n;
        }

        private boolean next() throws IOException {
            if (consumerClosed) {
                throw new IOException("stream closed");
            }
            while (!ended) {
                byte[] item;
                try {
                    item = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the backup stream");
                }
                Throwable failure = producerFailure;
                if (failure != null) {
                    throw new IOException("the backup stream failed: " + failure.getMessage(), failure);
                }
                if (item == END) {
                    ended = true;
                } else if (item != null && item.length > 0) {
                    current = item;
                    pos = 0;
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            consumerClosed = true;
            queue.clear();
        }
    }
}
