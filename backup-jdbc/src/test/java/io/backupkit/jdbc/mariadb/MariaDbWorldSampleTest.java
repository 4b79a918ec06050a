package io.backupkit.jdbc.mariadb;

import io.backupkit.testkit.db.SampleDatabases;
import java.nio.file.Path;
import java.util.List;

/**
 * MySQL's classic {@code world} sample database (countries, cities, languages: 5 302 rows), as MariaDB's own
 * regression suite ships it ({@code include/world_schema.inc} + {@code include/world.inc}, package
 * {@value SampleDatabases#MARIADB_TEST_DATA}).
 */
class MariaDbWorldSampleTest extends MariaDbSampleFidelity {
    @Override
    protected List<Path> scripts() {
        return List.of(SampleDatabases.mariadbTestFile("include/world_schema.inc"),
                SampleDatabases.mariadbTestFile("include/world.inc"));
    }
}
