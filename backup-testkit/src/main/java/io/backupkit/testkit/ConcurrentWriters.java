package io.backupkit.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one task on several threads that start together, for the storage contract's concurrency checks. */
final class ConcurrentWriters {
    private ConcurrentWriters() {
    }

    /** A task for one writer, given its index. */
    @FunctionalInterface
    interface Task {
        void run(int writer) throws Exception;
    }

    /** Runs the task on {@code writers} threads that start together; rethrows the first failure. */
    static void run(int writers, Task task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        CyclicBarrier start = new CyclicBarrier(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(executor.submit(() -> {
                    start.await(1, TimeUnit.MINUTES);
                    task.run(writer);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
