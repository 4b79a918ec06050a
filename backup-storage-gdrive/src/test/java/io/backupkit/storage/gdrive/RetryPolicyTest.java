package io.backupkit.storage.gdrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void delaysGrowExponentiallyWithJitterAndStopAtTheMaximum() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(32));
        for (int round = 0; round < 200; round++) {
            assertThat(policy.delayMillis(0)).isBetween(250L, 500L);
            assertThat(policy.delayMillis(1)).isBetween(500L, 1000L);
            assertThat(policy.delayMillis(3)).isBetween(2000L, 4000L);
            assertThat(policy.delayMillis(6)).isBetween(16_000L, 32_000L);
            assertThat(policy.delayMillis(9)).isBetween(16_000L, 32_000L);
            assertThat(policy.delayMillis(62)).isBetween(16_000L, 32_000L);
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(java.util.stream.IntStream.range(0, 50).mapToLong(i -> policy.delayMillis(2)).distinct().count()).isGreaterThan(5);
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> new RetryPolicy(-1, Duration.ZERO, Duration.ZERO)).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("maximum");
    }
}
