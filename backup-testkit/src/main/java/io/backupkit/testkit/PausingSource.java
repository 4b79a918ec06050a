package io.backupkit.testkit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A one-shot source that gives {@code pauseAt} bytes, then waits until {@link #resume()} before giving the rest. */
final class PausingSource extends InterruptedSource {
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);

    PausingSource(long seed, long size, long pauseAt) {
        super(seed, size, pauseAt);
    }

    /** Waits until the put has read the source up to the pause; fails if the put ended without getting there. */
    void awaitPaused(Future<?> put) throws Exception {
        while (!paused.await(100, TimeUnit.MILLISECONDS)) {
            if (put.isDone()) {
                put.get(); // surfaces the put's failure
                throw new AssertionError("put finished without reading its source to the middle");
            }
        }
    }

    void resume() {
        resumed.countDown();
    }

    @Override
    void atStop(long position) throws IOException {
        paused.countDown();
        try {
            if (!resumed.await(5, TimeUnit.MINUTES)) {
                throw new IOException("test never resumed the paused source");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while paused");
        }
    }
}
