package io.backupkit.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A database URL as users have them — {@code postgres://user@host:5432/app}, {@code postgresql://},
 * {@code mysql://}, {@code mariadb://}, {@code sqlite:///relative.db} / {@code sqlite:////absolute/path.db}
 * (SQLAlchemy's and dj-database-url's convention), as in {@code DATABASE_URL} (Heroku, Django, Rails) — or a
 * {@code jdbc:} URL as is. The user and password of the URL are taken out: JDBC gets them as properties.
 *
 * @param jdbcUrl  the URL for the JDBC driver, without user or password
 * @param user     the user named in the URL, if any
 * @param password the password in the URL, if any (accepted only where {@link Settings} allows it)
 */
record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {
    /** The schemes of Heroku, Django's dj-database-url and Rails (mysql2, postgis) for the databases BackupKit dumps. */
    private static final Map<String, String> SCHEMES = Map.of(
            "postgres", "jdbc:postgresql:", "postgresql", "jdbc:postgresql:", "pgsql", "jdbc:postgresql:",
            "postgis", "jdbc:postgresql:", "mysql", "jdbc:mysql:", "mysql2", "jdbc:mysql:", "mariadb", "jdbc:mariadb:");
    private static final String FORMS = "jdbc:postgresql://host:5432/app, postgres://user@host:5432/app,"
            + " mysql://user@host:3306/app, mariadb://user@host/app, sqlite:///app.db (relative),"
            + " sqlite:////var/lib/app.db (absolute), jdbc:sqlite:app.db, jdbc:h2:./app";

    static DatabaseUrl parse(String text) {
        String url = text.strip();
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:")) {
            return new DatabaseUrl(url, Optional.empty(), Optional.empty());
        }
        if (lower.startsWith("sqlite://")) {
            String path = url.substring("sqlite://".length());
            if (!path.startsWith("/") || path.length() < 2) {
                throw CliException.usage("'" + Settings.maskUrl(url) + "': a SQLite URL is sqlite:///relative/path.db"
                        + " or sqlite:////absolute/path.db");
            }
            return new DatabaseUrl("jdbc:sqlite:" + decode(path.substring(1)), Optional.empty(), Optional.empty());
        }
        int colon = lower.indexOf("://");
        String scheme = colon > 0 ? lower.substring(0, colon) : "";
        String jdbcPrefix = SCHEMES.get(scheme);
        if (jdbcPrefix == null) {
            throw CliException.usage("'" + Settings.maskUrl(url) + "' is not a database URL BackupKit knows: use e.g. "
                    + FORMS);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw CliException.usage("'" + Settings.maskUrl(url) + "' is not a valid URL (" + e.getReason()
                    + "): percent-encode special characters in the user or password, e.g. @ as %40");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw CliException.usage("'" + Settings.maskUrl(url) + "' names no host: use e.g. " + scheme
                    + "://user@localhost:5432/app");
        }
        String database = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (database.length() <= 1) {
            throw CliException.usage("'" + Settings.maskUrl(url) + "' names no database: add it as the path, e.g. "
                    + scheme + "://" + uri.getHost() + "/app");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int sep = info.indexOf(':');
            user = Optional.of(decode(sep < 0 ? info : info.substring(0, sep))).filter(u -> !u.isEmpty());
            password = sep < 0 ? Optional.empty() : Optional.of(decode(info.substring(sep + 1)));
        }
        String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");   // IPv6 keeps its []
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl(jdbcPrefix + "//" + hostPort + database + query, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return jdbcUrl + user.map(u -> " as " + u).orElse("");   // never the password
    }
}
