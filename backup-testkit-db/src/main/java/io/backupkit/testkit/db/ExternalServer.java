package io.backupkit.testkit.db;

/** A server named by environment variables instead of one started here. */
final class ExternalServer extends BaseServer {
    private final DatabaseEngine engine;
    private final String url;
    private final String user;
    private final String password;

    ExternalServer(DatabaseEngine engine, String url, String user, String password) {
        this.engine = engine;
        this.url = url;
        this.user = user;
        this.password = password;
        withDatabase(url, "probe"); // fails fast on a URL the test kit cannot derive database URLs from
    }

    @Override
    public DatabaseEngine engine() {
        return engine;
    }

    @Override
    public String adminUrl() {
        return url;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String host() {
        return hostOf(url);
    }

    @Override
    public int port() {
        return portOf(url, engine.isPostgres() ? 5432 : 3306);
    }
}
