package io.backupkit.core.internal;

import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database that accepts the TCP connection and never answers would hang a backup or restore in the driver's
 * connect for ever (most drivers wait without limit by default). So before the engine uses a DataSource it sets the
 * JDBC login timeout ({@link DataSource#setLoginTimeout}, which PostgreSQL's and MariaDB's data sources apply to
 * connecting and logging in) to the engine's connect timeout, but only where the DataSource has none: a DataSource
 * the host configured (a pool with its own connection timeout, a driver data source with loginTimeout set) keeps its
 * own. A DataSource that does not support it is left as it is.
 */
final class LoginTimeout {
    private static final Logger LOG = LoggerFactory.getLogger(LoginTimeout.class);

    private LoginTimeout() {
    }

    static DataSource apply(DataSource ds, Duration timeout) {
        try {
            if (ds.getLoginTimeout() == 0) {
                ds.setLoginTimeout((int) Math.max(1, timeout.toSeconds()));
            }
        } catch (Exception e) {
            // SQLFeatureNotSupportedException, UnsupportedOperationException of pools: their own settings rule
            LOG.debug("the DataSource {} keeps its own login timeout: {}", ds.getClass().getName(), e.toString());
        }
        return ds;
    }
}
