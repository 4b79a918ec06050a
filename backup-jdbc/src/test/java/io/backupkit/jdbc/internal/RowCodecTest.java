package io.backupkit.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import java.util.Random;

class RowCodecTest {

    private static final List<ValueType> TYPES = List.of(ValueType.values());

    private static List<Object[]> rows() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[]{true, Long.MIN_VALUE, new BigDecimal("-123456789012345678901234567890.123456789012345678901234567890"),
                Float.NaN, Double.NEGATIVE_INFINITY, "Zażółć 😀 𝄞 \u0000", all, LocalDate.of(-4712, 1, 1), LocalTime.MAX,
                LocalDateTime.of(-4000, 2, 29, 23, 59, 59, 999_999_999), OffsetDateTime.of(2024, 3, 31, 1, 30, 0, 1, ZoneOffset.ofHours(14)),
                OffsetTime.of(0, 0, 0, 0, ZoneOffset.ofHoursMinutes(-15, -59)), new UUID(-1, 0), 42L});
        rows.add(new Object[]{false, Long.MAX_VALUE, BigDecimal.ZERO.setScale(-3), -0.0f, Double.MIN_VALUE, "", new byte[0],
                LocalDate.MAX, LocalTime.MIN, LocalDateTime.MIN, OffsetDateTime.MAX, OffsetTime.MIN, new UUID(0, 0), all});
        rows.add(new Object[TYPES.size()]); // all NULL
        rows.add(new Object[]{null, 0L, new BigDecimal("1E+400"), Float.POSITIVE_INFINITY, Double.NaN, "NULL", null, null, null,
                null, null, null, null, "text"});
        rows.add(new Object[]{null, null, null, null, null, null, null, null, null, null, null, null, null, 2.5});
        return rows;
    }

    @Test
    void everyTypeRoundTripsExactlyIncludingNullsAndSpecialValues() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> names = TYPES.stream().map(t -> "col " + t).toList();
        try (RowWriter w = new RowWriter(out, names, TYPES)) {
            for (Object[] row : rows()) {
                w.startRow();
                for (Object v : row) {
                    w.value(v);
                }
            }
        }
        try (RowReader r = new RowReader(new ByteArrayInputStream(out.toByteArray()))) {
            assertThat(r.columnNames()).isEqualTo(names);
            assertThat(r.columnTypes()).isEqualTo(TYPES);
            Object[] values = new Object[TYPES.size()];
            for (Object[] expected : rows()) {
                assertThat(r.next(values)).isTrue();
                for (int i = 0; i < values.length; i++) {
                    Object e = expected[i] instanceof Integer n ? (long) n : expected[i];
                    if (e instanceof byte[] b) {
                        assertThat((byte[]) values[i]).as(TYPES.get(i).name()).isEqualTo(b);
                    } else if (e instanceof Float f) {
                        assertThat(Float.floatToRawIntBits((Float) values[i])).isEqualTo(Float.floatToRawIntBits(f));
                    } else if (e instanceof Double d) {
                        assertThat(Double.doubleToRawLongBits((Double) values[i])).isEqualTo(Double.doubleToRawLongBits(d));
                    } else if (e instanceof BigDecimal d) {
                        assertThat(values[i]).isEqualTo(d); // equals checks the scale too
                    } else {
                        assertThat(values[i]).as(TYPES.get(i).name()).isEqualTo(e);
                    }
                }
            }
            assertThat(r.next(values)).isFalse();
            assertThat(r.rows()).isEqualTo(rows().size());
        }
    }

    @Test
    void largeValuesStreamWithKnownLength() throws IOException {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(big);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RowWriter w = new RowWriter(out, List.of("b"), List.of(ValueType.BYTES))) {
            w.startRow();
            w.bytesValue(new ByteArrayInputStream(big), big.length);
            w.startRow();
            w.bytesValue(null, 0);
        }
        try (RowReader r = new RowReader(new ByteArrayInputStream(out.toByteArray()))) {
            Object[] v = new Object[1];
            assertThat(r.next(v)).isTrue();
            assertThat(Arrays.equals((byte[]) v[0], big)).isTrue();
            assertThat(r.next(v)).isTrue();
            assertThat(v[0]).isNull();
            assertThat(r.next(v)).isFalse();
        }
    }

    @Test
    void truncatedOrForeignFilesAreRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RowWriter w = new RowWriter(out, List.of("a"), List.of(ValueType.STRING))) {
            for (int i = 0; i < 10; i++) {
                w.startRow();
                w.value("row " + i);
            }
        }
        byte[] full = out.toByteArray();
        byte[] cut = Arrays.copyOf(full, full.length - 3);
        assertThatThrownBy(() -> {
            try (RowReader r = new RowReader(new ByteArrayInputStream(cut))) {
                Object[] v = new Object[1];
                while (r.next(v)) {
                    // read to the end
                }
            }
        }).isInstanceOf(EOFException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> new RowReader(new ByteArrayInputStream("COPY data".getBytes())))
                .isInstanceOf(IOException.class).hasMessageContaining("not a BackupKit row file");
    }

    @Test
    void largeValuesCanBeReadAsStreamsAndUnreadOnesAreSkipped() throws IOException {
        byte[] big = new byte[200_000];
        new Random(2).nextBytes(big);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RowWriter w = new RowWriter(out, List.of("id", "b", "after"), List.of(ValueType.INTEGER, ValueType.BYTES, ValueType.STRING))) {
            for (int i = 0; i < 3; i++) {
                w.startRow();
                w.value((long) i);
                w.value(i == 2 ? new byte[10] : big);
                w.value("after " + i);
            }
        }
        try (RowReader r = new RowReader(new ByteArrayInputStream(out.toByteArray()))) {
            assertThat(r.startRow()).isTrue();
            assertThat(r.readValue(0, 1000)).isEqualTo(0L);
            RowReader.LargeBytes large = (RowReader.LargeBytes) r.readValue(1, 1000);
            assertThat(large.length()).isEqualTo(big.length);
            assertThat(large.in().readAllBytes()).isEqualTo(big);
            assertThat(r.readValue(2, 1000)).isEqualTo("after 0");
            assertThat(r.startRow()).isTrue();
            r.readValue(0, 1000);
            assertThat(r.readValue(1, 1000)).isInstanceOf(RowReader.LargeBytes.class); // not read: skipped
            assertThat(r.readValue(2, 1000)).isEqualTo("after 1");
            assertThat(r.startRow()).isTrue();
            r.readValue(0, 1000);
            assertThat(r.readValue(1, 1000)).isEqualTo(new byte[10]); // small values stay arrays
            assertThat(r.readValue(2, 1000)).isEqualTo("after 2");
            assertThat(r.startRow()).isFalse();
        }
    }

    @Test
    void textWrittenFromAStreamReadsBackAsTextOrAsItsUtf8Stream() throws IOException {
        String text = "Za\u017c\u00f3\u0142\u0107 \u2713 ".repeat(20_000);
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RowWriter w = new RowWriter(out, List.of("t", "d", "small"),
                List.of(ValueType.STRING, ValueType.DYNAMIC, ValueType.STRING))) {
            for (int i = 0; i < 2; i++) {
                w.startRow();
                w.textValue(new ByteArrayInputStream(utf8), utf8.length);
                w.textValue(new ByteArrayInputStream(utf8), utf8.length);
                w.value("s");
            }
        }
        try (RowReader r = new RowReader(new ByteArrayInputStream(out.toByteArray()))) {
            Object[] row = new Object[3];
            assertThat(r.next(row)).isTrue();
            assertThat(row).containsExactly(text, text, "s"); // read whole unless asked for streams
            assertThat(r.startRow()).isTrue();
            for (int i = 0; i < 2; i++) {
                RowReader.LargeBytes large = (RowReader.LargeBytes) r.readValue(i, 1000, true);
                assertThat(large.length()).isEqualTo(utf8.length);
                assertThat(large.in().readAllBytes()).isEqualTo(utf8);
            }
            assertThat(r.readValue(2, 1000, true)).isEqualTo("s"); // small text stays a string
            assertThat(r.startRow()).isFalse();
        }
    }
}
