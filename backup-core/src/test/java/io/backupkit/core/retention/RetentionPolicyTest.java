package io.backupkit.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupType;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    @Test
    void aPolicyWithoutAnyRuleIsRejected() {
        // issue 14: a whole-picture check at build() is a ConfigurationException (was IllegalArgumentException)
        assertThatThrownBy(() -> RetentionPolicy.builder().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("needs at least one rule")
                .hasMessageContaining("give it no policy at all");
    }

    @Test
    void builderRejectsCountsThatAreNotPositive() {
        assertThatThrownBy(() -> RetentionPolicy.builder().keepLast(0)).hasMessage(
                "keepLast must be at least 1, was 0 (leave the rule unset to turn it off)");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepDaily(-1)).hasMessageContaining("keepDaily must be at least 1, was -1");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWeekly(0)).hasMessageContaining("keepWeekly");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepMonthly(0)).hasMessageContaining("keepMonthly");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepYearly(0)).hasMessageContaining("keepYearly");
        assertThatThrownBy(() -> RetentionPolicy.builder().maxCount(0)).hasMessageContaining("maxCount");
        assertThatThrownBy(() -> RetentionPolicy.builder().maxTotalBytes(0)).hasMessageContaining("maxTotalBytes must be at least 1");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin(Duration.ZERO)).hasMessageContaining("keepWithin must be a positive duration");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin(Duration.ofDays(-1))).hasMessageContaining("keepWithin");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void constructorRejectsNegativeValues() {
        assertThatThrownBy(() -> new RetentionPolicy(-1, Optional.empty(), 0, 0, 0, 0, 0, 0))
                .hasMessage("keepLast must be positive (0 = rule off), was -1");
        assertThatThrownBy(() -> new RetentionPolicy(1, Optional.empty(), 0, 0, 0, 0, 0, -5))
                .hasMessageContaining("maxTotalBytes must be positive");
    }

    @Test
    void describesItselfLikeRestic() {
        RetentionPolicy p = RetentionPolicy.builder().keepLast(3).keepWithin(Duration.ofDays(7)).keepDaily(7)
                .keepWeekly(4).keepMonthly(Integer.MAX_VALUE).keepYearly(2).maxCount(50).maxTotalBytes(1000).build();
        assertThat(p.describe()).isEqualTo(
                "keep last 3, within 7d, daily 7, weekly 4, monthly unlimited, yearly 2, max 50 backups, max 1000 bytes");
        assertThat(RetentionPolicy.builder().maxCount(1).build().describe()).isEqualTo("keep all, max 1 backup");
        assertThat(RetentionPolicy.formatDuration(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(RetentionPolicy.formatDuration(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(RetentionPolicy.formatDuration(Duration.ofSeconds(61))).isEqualTo("61s");
    }

    @Test
    void rulesPickTheTypesOwnPolicyOrTheDefault() {
        RetentionPolicy full = RetentionPolicy.builder().keepDaily(7).build();
        RetentionPolicy safety = RetentionPolicy.builder().keepWithin(Duration.ofDays(7)).build();
        RetentionRules rules = RetentionRules.builder().defaultPolicy(full).policy(BackupType.SAFETY, safety).build();
        assertThat(rules.policyFor(BackupType.SAFETY)).contains(safety);
        assertThat(rules.policyFor(BackupType.DATABASE)).contains(full);
        RetentionRules onlySafety = RetentionRules.builder().policy(BackupType.SAFETY, safety).build();
        assertThat(onlySafety.policyFor(BackupType.FULL)).isEmpty();
    }

    @Test
    void rulesRejectNothingAtAllAndDuplicates() {
        assertThatThrownBy(() -> RetentionRules.builder().build()).hasMessageContaining("need a default policy");
        assertThatThrownBy(() -> new RetentionRules(Optional.empty(), Map.of())).isInstanceOf(IllegalArgumentException.class);
        RetentionPolicy p = RetentionPolicy.builder().keepLast(1).build();
        assertThatThrownBy(() -> RetentionRules.builder().policy(BackupType.FULL, p).policy(BackupType.FULL, p))
                .hasMessage("a retention policy for FULL backups was already given");
    }
}
