package io.backupkit.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 13 item 6: one worker's failure must end a worker blocked on its connection and reach the caller. */
class WorkersFailureTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void firstFailureAbortsTheBlockedWorkersConnectionAndKeepsItsCause() {
        CountDownLatch aborted = new CountDownLatch(1);
        // Stands in for a driver connection whose worker is stuck in a long read: only abort() unblocks it.
        Connection blocked = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("abort")) {
                        aborted.countDown();
                    }
                    return null;
                });
        IllegalStateException cause = new IllegalStateException("worker 0 failed");
        assertThatThrownBy(() -> JdbcSupport.runWorkers(2, "test-worker", new AtomicReference<>(),
                List.of(blocked), i -> {
                    if (i == 0) {
                        throw cause;
                    }
                    aborted.await(); // without the abort this never returns and the caller waits for ever
                })).isSameAs(cause);
    }
}
