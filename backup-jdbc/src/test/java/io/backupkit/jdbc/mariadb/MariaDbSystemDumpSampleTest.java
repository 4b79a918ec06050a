package io.backupkit.jdbc.mariadb;

import io.backupkit.testkit.db.SampleDatabases;
import java.nio.file.Path;
import java.util.List;

/**
 * A real {@code mariadb-dump} output that MariaDB's regression suite keeps to test upgrades: the {@code mysql}
 * system database of MariaDB 10.4 ({@code std_data/mysql_database_10.4.dump}, package
 * {@value SampleDatabases#MARIADB_TEST_DATA}), with Aria, InnoDB, MyISAM and CSV tables, a view over JSON
 * functions ({@code user}, defined by {@code mariadb.sys}), enums, blobs and the server's help texts. Its statements
 * name no database, so it loads into a fresh test database rather than the server's own {@code mysql}.
 */
class MariaDbSystemDumpSampleTest extends MariaDbSampleFidelity {
    @Override
    protected List<Path> scripts() {
        return List.of(SampleDatabases.mariadbTestFile("std_data/mysql_database_10.4.dump"));
    }
}
