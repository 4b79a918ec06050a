package io.backupkit.core.internal;

import io.backupkit.api.DumpException;
import io.backupkit.api.spi.StorageUris;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The JDBC URL of a data source, which names its database across processes (intent records compare it). */
final class JdbcUrls {
    private JdbcUrls() {
    }

    static String of(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return StorageUris.redacted(String.valueOf(c.getMetaData().getURL()));
        } catch (SQLException e) {
            throw new DumpException("cannot connect to the restore target to record it: " + e.getMessage(), e);
        }
    }
}
