package io.backupkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void maxAttemptsCountsTheFirstAttempt() {
        assertThat(RetryPolicy.NONE.maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicy.NONE.retries()).isFalse();
        assertThat(RetryPolicy.builder().maxAttempts(2).build().retries()).isTrue();
        assertThat(RetryPolicy.DEFAULT).isEqualTo(new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(20)));
        assertThat(RetryPolicy.builder().build()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void backoffDoublesFromTheInitialDelayWithEqualJitterUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(policy.delayAfterAttempt(1, 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(policy.delayAfterAttempt(1, 0.5)).isEqualTo(Duration.ofMillis(75));
        assertThat(policy.delayAfterAttempt(3, 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delayAfterAttempt(4, 0.999999)).isBetween(Duration.ofMillis(799), Duration.ofMillis(800));
        assertThat(policy.delayAfterAttempt(5, 0.0)).as("capped").isEqualTo(Duration.ofMillis(500));
        assertThat(policy.delayAfterAttempt(Integer.MAX_VALUE, 0.999999)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delayAfterAttempt(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        }
        assertThat(RetryPolicy.NONE.delayAfterAttempt(3, 0.7)).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> policy.delayAfterAttempt(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start at 1");
        assertThatThrownBy(() -> policy.delayAfterAttempt(1, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitter");
    }

    @Test
    void eachSetterChecksItsArgumentAtOnce() {
        RetryPolicy.Builder b = RetryPolicy.builder();
        assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts").hasMessageContaining("including the first");
        assertThatThrownBy(() -> b.maxAttempts(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> b.initialDelay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> b.maxDelay(Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> b.maxDelay(null)).isInstanceOf(NullPointerException.class).hasMessage("maxDelay");
        assertThat(b.maxAttempts(3).build().maxAttempts()).as("a refused value leaves the builder usable").isEqualTo(3);
    }

    @Test
    void settingTheSameThingTwiceIsAnError() {
        RetryPolicy.Builder b = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ZERO).maxDelay(Duration.ZERO);
        assertThatThrownBy(() -> b.maxAttempts(4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maxAttempts was already set (to 3)");
        assertThatThrownBy(() -> b.initialDelay(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> b.maxDelay(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maxDelay");
    }

    @Test
    void buildChecksThatTheDelaysFitTogether() {
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofMinutes(1)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxDelay (PT20S, the default) is shorter than initialDelay (PT1M)")
                .hasMessageContaining("set maxDelay(...)");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be shorter");
        assertThat(RetryPolicy.builder().initialDelay(Duration.ofMinutes(1)).maxDelay(Duration.ofMinutes(5)).build())
                .isEqualTo(new RetryPolicy(5, Duration.ofMinutes(1), Duration.ofMinutes(5)));
    }
}
