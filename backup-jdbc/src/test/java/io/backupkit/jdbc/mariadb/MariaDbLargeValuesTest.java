package io.backupkit.jdbc.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.DumpException;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.jdbc.postgres.PostgresDumperTest;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.DirectoryBackup;
import io.backupkit.testkit.db.MariaDb;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values over {@code LargeValues.PIECE_BYTES} (4 MiB) in BLOB and TEXT columns are dumped in pieces by the row's key
 * and restored in pieces ({@link MariaDbPieceWriter}), exactly: binary, multi-byte UTF-8 text, text of a latin1
 * column (its UTF-8 is longer than its stored bytes), a composite key, by REPLACE (instead of LOAD DATA) and by
 * MERGE. A table without a key to fetch such a value by fails the dump naming table, column, size and the fix.
 */
@ExtendWith(DatabaseServers.class)
class MariaDbLargeValuesTest {
    private static final String FINGERPRINT = "SELECT k, n, LENGTH(b), SHA2(b, 256), LENGTH(t), SHA2(t, 256),"
            + " LENGTH(l), SHA2(l, 256), s FROM big ORDER BY k, n";

    @TempDir
    Path tmp;

    @Test
    void largeBlobAndTextValuesRoundTripByReplaceAndMerge(@MariaDb TestDatabase source, @MariaDb TestDatabase target,
                                                          @MariaDb TestDatabase merged) throws Exception {
        execute(source, "CREATE TABLE big (k varchar(10), n int, b longblob, t longtext, l mediumtext CHARACTER SET"
                        + " latin1, s varchar(10), PRIMARY KEY (k, n))",
                "INSERT INTO big SELECT 'a', 1, REPEAT(CONCAT(RANDOM_BYTES(1000), RANDOM_BYTES(999)), 3001), 'x',"
                        + " NULL, 'small'",
                "INSERT INTO big VALUES ('a', 2, x'00', REPEAT('Za\u017c\u00f3\u0142\u0107 \u2713 \\t\\n\\\\ ', 300000),"
                        + " REPEAT('\u00e9', 3000000), NULL)",
                "INSERT INTO big VALUES ('b', 1, NULL, NULL, NULL, NULL), ('b', 2, '', '', '', '')");
        List<String> expected = rows(source, FINGERPRINT);
        assertThat(expected.get(0)).contains("5998999");

        DirectoryBackup backup = new DirectoryBackup(Files.createTempDirectory(tmp, "backup"));
        MariaDbDumper dumper = new MariaDbDumper();
        DumpSummary summary = backup.dump(dumper, source.dataSource(), TableSelection.ALL, 2);
        assertThat(summary.tables()).extracting(t -> t.name() + "=" + t.rows()).containsExactly("big=4");
        assertThat(summary.metadata().get("largeValues")).contains("\"b\":5998999").contains("\"l\":6000000");

        backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE);
        assertThat(rows(target, FINGERPRINT)).isEqualTo(expected);

        execute(merged, "CREATE TABLE big (k varchar(10), n int, b longblob, t longtext, l mediumtext CHARACTER SET"
                + " latin1, s varchar(10), PRIMARY KEY (k, n))", "INSERT INTO big VALUES ('a', 1, 'old', 'old', 'old', 'old')");
        backup.restore(dumper, merged.dataSource(), RestoreMode.MERGE);
        assertThat(rows(merged, FINGERPRINT)).isEqualTo(expected);
    }

    @Test
    void aLargeValueInATableWithoutKeyFailsTheDumpNamingTheFix(@MariaDb TestDatabase source) throws Exception {
        execute(source, "CREATE TABLE nokey (id int, b longblob)", "INSERT INTO nokey VALUES (1, 'small')");
        DirectoryBackup small = new DirectoryBackup(Files.createTempDirectory(tmp, "small"));
        assertThat(small.dump(new MariaDbDumper(), source.dataSource(), TableSelection.ALL, 1).tables())
                .extracting(t -> t.rows()).containsExactly(1L);

        execute(source, "INSERT INTO nokey VALUES (2, REPEAT('x', 5000000))");
        DirectoryBackup backup = new DirectoryBackup(Files.createTempDirectory(tmp, "backup"));
        assertThatThrownBy(() -> backup.dump(new MariaDbDumper(), source.dataSource(), TableSelection.ALL, 1))
                .isInstanceOf(DumpException.class)
                .hasMessageContaining("nokey").hasMessageContaining("column b").hasMessageContaining("5000000")
                .hasMessageContaining("no primary key").hasMessageContaining("ADD PRIMARY KEY");
    }

    private static void execute(TestDatabase db, String... sqls) throws SQLException {
        PostgresDumperTest.execute(db.dataSource(), sqls);
    }

    private static List<String> rows(TestDatabase db, String sql) throws SQLException {
        return PostgresDumperTest.query(db, sql); // any engine's rows as text
    }
}
