package io.backupkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.testkit.BuilderAssertions;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, acceptance 4: {@link JdbcDumperOptions.Builder} names each tuning setting instead of three positional
 * numbers; a bad value fails at its setter (IllegalArgumentException), a setting given twice is an
 * IllegalStateException, and what is not set keeps its default.
 */
class JdbcDumperOptionsTest {
    private static final BuilderAssertions<JdbcDumperOptions.Builder> OPTIONS = BuilderAssertions.of(JdbcDumperOptions::builder);

    @Test
    void eachSettersBadArgumentFailsAtOnceNamingTheSettingAndTheValue() {
        OPTIONS.badArgument(b -> b.fetchBytes(1023), "fetchBytes", "1024", "1023")
                .badArgument(b -> b.batchRows(0), "batchRows", "0")
                .badArgument(b -> b.batchBytes(-1), "batchBytes", "-1");
    }

    @Test
    void settingTheSameThingTwiceFailsNamingTheSetting() {
        OPTIONS.twice(b -> b.fetchBytes(1 << 20), "fetchBytes", "already set")
                .twice(b -> b.batchRows(10), "batchRows", "already set")
                .twice(b -> b.batchBytes(1 << 20), "batchBytes", "already set");
    }

    @Test
    void whatIsNotSetKeepsItsDefault() {
        assertThat(JdbcDumperOptions.builder().build()).isEqualTo(JdbcDumperOptions.DEFAULTS);
        assertThat(JdbcDumperOptions.builder().batchRows(50).build())
                .isEqualTo(new JdbcDumperOptions(JdbcDumperOptions.DEFAULTS.fetchBytes(), 50,
                        JdbcDumperOptions.DEFAULTS.batchBytes()));
    }

    @Test
    void theRecordConstructorChecksTheSameWay() {
        assertThatThrownBy(() -> new JdbcDumperOptions(1 << 20, 0, 1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchRows must be at least 1, was 0");
    }
}
