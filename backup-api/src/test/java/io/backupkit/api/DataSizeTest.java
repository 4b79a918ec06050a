package io.backupkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataSizeTest {

    @Test
    void decimalUnitsArePowersOf1000AndBinaryUnitsPowersOf1024() {
        assertThat(DataSize.parse("8MB").bytes()).isEqualTo(8_000_000L);
        assertThat(DataSize.parse("8MiB").bytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(DataSize.parse("1KB").bytes()).isEqualTo(1000L);
        assertThat(DataSize.parse("1KiB").bytes()).isEqualTo(1024L);
        assertThat(DataSize.parse("2GB").bytes()).isEqualTo(2_000_000_000L);
        assertThat(DataSize.parse("2GiB").bytes()).isEqualTo(2L << 30);
        assertThat(DataSize.parse("1TB").bytes()).isEqualTo(1_000_000_000_000L);
        assertThat(DataSize.parse("1TiB").bytes()).isEqualTo(1L << 40);
    }

    @Test
    void plainBytesSpacesAndCaseAreAccepted() {
        assertThat(DataSize.parse("8388608").bytes()).isEqualTo(8_388_608L);
        assertThat(DataSize.parse("512B").bytes()).isEqualTo(512L);
        assertThat(DataSize.parse(" 16 mib ").bytes()).isEqualTo(16L << 20);
        assertThat(DataSize.parse("3kb").bytes()).isEqualTo(3000L);
        assertThat(DataSize.parse("0").bytes()).isZero();
    }

    @Test
    void anythingElseIsRefusedSayingHowToWriteIt() {
        assertThatThrownBy(() -> DataSize.parse("8M")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'8M'").hasMessageContaining("write MB (1000) or MiB (1024)");
        assertThatThrownBy(() -> DataSize.parse("1.5GB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1.5GB' is not a size").hasMessageContaining("KiB, MiB");
        assertThatThrownBy(() -> DataSize.parse("8 megabytes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown unit 'megabytes'");
        assertThatThrownBy(() -> DataSize.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataSize.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> DataSize.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataSize.parse("99999999999TiB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> DataSize.ofBytes(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void printsTheShortestExactFormThatParsesBack() {
        for (long bytes : new long[] {0, 1, 1000, 1024, 8_000_000, 8L << 20, 1_024_000, 123_457, 5L << 40}) {
            DataSize size = DataSize.ofBytes(bytes);
            assertThat(DataSize.parse(size.toString())).isEqualTo(size);
        }
        assertThat(DataSize.ofBytes(8L << 20)).hasToString("8MiB");
        assertThat(DataSize.ofBytes(8_000_000)).hasToString("8MB");
        assertThat(DataSize.ofBytes(123_457)).hasToString("123457B");
    }
}
