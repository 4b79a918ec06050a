package io.backupkit.jdbc;

import io.backupkit.jdbc.internal.AbstractJdbcDumper;
import io.backupkit.testkit.db.DatabaseServers;
import javax.sql.DataSource;

/** The round-trip suite on a real MariaDB 10.11 server (started by the test kit; with CI=true a missing one fails). */
class MariaDbDumperTest extends DumperRoundTripSuite {

    @Override
    protected AbstractJdbcDumper newDumper() {
        return new MariaDbDumper();
    }

    @Override
    protected DataSource createDatabase(String name) {
        return DatabaseServers.mariadb().createDatabase().dataSource();
    }

    @Override
    protected String idColumn() {
        return "id BIGINT AUTO_INCREMENT PRIMARY KEY";
    }

    @Override
    protected String timestampType() {
        return "DATETIME(6)";
    }

    @Override
    protected String blobType() {
        return "LONGBLOB";
    }
}
