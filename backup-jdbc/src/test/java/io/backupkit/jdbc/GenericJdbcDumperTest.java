package io.backupkit.jdbc;

import io.backupkit.testkit.db.DatabaseContents;
import io.backupkit.testkit.db.DirectoryBackup;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DatabaseDumperFactory;
import io.backupkit.testkit.db.TestSql;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Map;

/** The generic fallback (on in-memory H2, as a stand-in for an unknown product) and the factory registration. */
class GenericJdbcDumperTest {
    @TempDir
    Path tempDir;

    static DataSource h2Memory() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    @Test
    void roundTripsTablesKeysAndRowsAndWritesItsLimitsAsWarnings() throws Exception {
        DataSource src = h2Memory();
        TestSql.execute(src, List.of(
                "CREATE TABLE parent (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE)",
                "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT REFERENCES parent (id), "
                        + "\"Value\" DECIMAL(30, 10), data VARBINARY(100), at TIMESTAMP(9) WITH TIME ZONE)",
                "CREATE INDEX child_value ON child (\"Value\")",
                "CREATE VIEW v AS SELECT * FROM child",
                "CREATE SEQUENCE s",
                "INSERT INTO parent VALUES (1, 'one'), (2, 'two')",
                "INSERT INTO child VALUES (1, 1, 12345678901234567890.0123456789, X'00ff', TIMESTAMP WITH TIME ZONE "
                        + "'2024-01-01 00:00:00.123456789+05:30'), (2, NULL, NULL, NULL, NULL)"));
        GenericJdbcDumper dumper = new GenericJdbcDumper();
        DirectoryBackup backup = new DirectoryBackup(tempDir);
        backup.dump(dumper, src, TableSelection.ALL, 2);
        assertThat(backup.summary().warnings()).containsAll(GenericJdbcDumper.LIMITS)
                .contains("view PUBLIC.V not captured", "sequence PUBLIC.S not captured");

        DataSource dst = h2Memory();
        backup.restore(dumper, dst, RestoreMode.REPLACE);
        for (String t : List.of("PARENT", "CHILD")) {
            assertThat(DatabaseContents.rows(dst, t)).as(t).isEqualTo(DatabaseContents.rows(src, t));
        }
        TestSql.execute(src, List.of("UPDATE parent SET name = 'changed' WHERE id = 1", "DELETE FROM child WHERE id = 2"));
        backup.restore(dumper, src, RestoreMode.MERGE, TableSelection.ALL, java.util.Map.of(), 1);
        assertThat(DatabaseContents.rows(src, "PARENT")).isEqualTo(DatabaseContents.rows(dst, "PARENT"));
        assertThat(DatabaseContents.rows(src, "CHILD")).isEqualTo(DatabaseContents.rows(dst, "CHILD"));
    }

    @Test
    void factoriesAreFoundAndTheSpecificOneWinsOverTheFallback() {
        List<DatabaseDumperFactory> factories = ServiceLoader.load(DatabaseDumperFactory.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(factories).extracting(DatabaseDumperFactory::name).contains("sqlite", "h2", "mariadb", "jdbc");
        for (String product : List.of("SQLite", "H2", "MariaDB", "MySQL", "Some Other Database")) {
            DatabaseDumperFactory best = factories.stream().filter(f -> f.supports(product))
                    .max(Comparator.comparingInt(DatabaseDumperFactory::priority)).orElseThrow();
            String expected = switch (product) {
                case "SQLite" -> "sqlite";
                case "H2" -> "h2";
                case "MariaDB", "MySQL" -> "mariadb";
                default -> "jdbc";
            };
            assertThat(best.name()).as(product).isEqualTo(expected);
            assertThat(best.create().name()).isEqualTo(expected);
        }
    }
}
