package io.backupkit.core.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two daemon threads of one scheduled job: the loop that waits for slots, and the worker that runs the task
 * (so a long run never delays the loop's bookkeeping), with the shutdown order {@link Scheduler#close()} needs.
 * Also home of the daemon thread factory the lease heartbeat uses.
 */
final class JobThreads {
    private static final Logger LOG = LoggerFactory.getLogger(JobThreads.class);

    private final String job;
    private final Duration shutdownTimeout;
    private final Thread loop;
    private final ExecutorService worker;

    JobThreads(String job, Runnable loop, Duration shutdownTimeout) {
        this.job = job;
        this.shutdownTimeout = shutdownTimeout;
        this.loop = daemon("backupkit-schedule-" + job).newThread(loop);
        this.worker = Executors.newSingleThreadExecutor(daemon("backupkit-job-" + job));
    }

    /** A factory of daemon threads all called {@code name}: background work must never keep the JVM alive. */
    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    void startLoop() {
        loop.start();
    }

    void interruptLoop() {
        loop.interrupt();
    }

    /** Runs {@code run} on the worker thread. */
    void runOnWorker(Runnable run) {
        worker.execute(run);
    }

    /** Waits up to {@code nanos} for the loop and then the running task to end; interrupts a task still going. */
    void awaitStop(long nanos) {
        try {
            long end = System.nanoTime() + nanos;
            loop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
            worker.shutdown();
            if (!worker.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("job '{}' did not finish within the shutdown timeout of {}; interrupting it", job, shutdownTimeout);
                worker.shutdownNow();
                worker.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
