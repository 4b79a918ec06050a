package io.backupkit.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Connection timeouts the CLI sets for the drivers it bundles, so that a database host that accepts the TCP
 * connection but never answers fails the command within seconds instead of hanging it (and holding the storage
 * lock). Each is a default: a parameter of the same name in the {@code --db} URL wins (the drivers let URL
 * parameters override connection properties). There is deliberately no default socket (read) timeout: a healthy
 * {@code CREATE INDEX} or {@code VALIDATE CONSTRAINT} sends nothing for minutes.
 *
 * <table>
 *   <caption>defaults</caption>
 *   <tr><td>PostgreSQL</td><td>{@code connectTimeout=10} s, {@code loginTimeout=10} s, {@code tcpKeepAlive=true}</td></tr>
 *   <tr><td>MariaDB/MySQL</td><td>{@code connectTimeout=10000} ms (TCP connect and handshake), {@code tcpKeepAlive=true}</td></tr>
 * </table>
 */
final class DriverTimeouts {
    static final Map<String, String> POSTGRESQL = Map.of("connectTimeout", "10", "loginTimeout", "10",
            "tcpKeepAlive", "true");
    static final Map<String, String> MARIADB = Map.of("connectTimeout", "10000", "tcpKeepAlive", "true");

    private DriverTimeouts() {
    }

    /** Adds the defaults for this URL's driver to the connection properties. */
    static void addDefaults(String url, Properties props) {
        String lower = url.toLowerCase(Locale.ROOT);
        Map<String, String> defaults = lower.startsWith("jdbc:postgresql:") ? POSTGRESQL
                : lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:") ? MARIADB : Map.of();
        defaults.forEach(props::putIfAbsent);
    }
}
