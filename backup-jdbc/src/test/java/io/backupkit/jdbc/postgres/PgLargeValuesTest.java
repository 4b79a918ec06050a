package io.backupkit.jdbc.postgres;

import static io.backupkit.jdbc.postgres.PostgresDumperTest.execute;
import static io.backupkit.jdbc.postgres.PostgresDumperTest.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.jdbc.JdbcDumperOptions;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values over {@code LargeValues.PIECE_BYTES} (4 MiB) in {@code bytea}, {@code text} and {@code varchar} columns are
 * dumped in pieces ({@link PgLargeValues}) and come back exactly, in binary COPY and in text COPY (a table with an
 * enum array is always text), with COPY's special characters in the text, NULLs and small values beside them, and
 * without the rows of an inheriting table (COPY of a table is of that table only).
 */
@ExtendWith(DatabaseServers.class)
class PgLargeValuesTest {
    private static final String[] VALUES = {
            "CREATE TYPE mood AS ENUM ('sad', 'ok')",
            "CREATE TABLE big (id int PRIMARY KEY, b bytea, t text, v varchar, moods mood[])",
            "CREATE TABLE child (extra int) INHERITS (big)",
            "INSERT INTO big SELECT 1, decode(string_agg(md5(g::text), ''), 'hex'), 'small', NULL, '{sad}'"
                    + " FROM generate_series(1, 400000) g", // 6.4 MB
            "INSERT INTO big SELECT 2, '\\x00', repeat(E'Za\u017c\u00f3\u0142\u0107 \u2713 tab\\there nl\\n cr\\r bs\\\\"
                    + " \\\\N ff\\f bs\\b vt\\013 ', 200000), repeat('v', 5000000), NULL",
            "INSERT INTO big VALUES (3, NULL, NULL, NULL, '{ok,sad}'), (4, '\\x', '', '', '{}')",
            "INSERT INTO child VALUES (5, decode(repeat('ab', 5000000), 'hex'), 'child', 'c', '{}', 1)"
    };
    private static final String FINGERPRINT = "SELECT id, octet_length(b), md5(b), octet_length(t), md5(t), md5(v),"
            + " moods::text FROM ONLY big ORDER BY id";

    @TempDir
    Path tmp;

    @Test
    void largeByteaTextAndVarcharRoundTripInBinaryAndTextCopy(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase binaryTarget, @Postgres15 TestDatabase textTarget) throws Exception {
        execute(source.dataSource(), VALUES);
        assertThat(query(source, FINGERPRINT).get(0)).contains("6400000");
        roundTrip(PostgresDumper.create(), source, binaryTarget);
        roundTrip(PostgresDumper.create(JdbcDumperOptions.DEFAULTS, false), source, textTarget);
    }

    private void roundTrip(PostgresDumper dumper, TestDatabase source, TestDatabase target) throws Exception {
        DirectoryBackup backup = new DirectoryBackup(Files.createTempDirectory(tmp, "backup"));
        DumpSummary summary = backup.dump(dumper, source.dataSource(), TableSelection.ALL, 2);
        assertThat(summary.tables()).extracting(t -> t.name() + "=" + t.rows())
                .containsExactlyInAnyOrder("big=4", "child=1");
        assertThat(summary.metadata().get("largeValues")).contains("\"b\":6400000").contains("\"v\":5000000");
        backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE);
        assertThat(query(target, FINGERPRINT)).isEqualTo(query(source, FINGERPRINT));
        String child = "SELECT id, md5(b), t, extra FROM child";
        assertThat(query(target, child)).isEqualTo(query(source, child));
    }
}
