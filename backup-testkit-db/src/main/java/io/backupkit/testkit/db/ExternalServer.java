package io.backupkit.testkit.db;

/** A server named by environment variables instead of one started here. */
record ExternalServer(DatabaseEngine engine, String adminUrl, String user, String password) implements BaseServer {

    ExternalServer {
        BaseServer.withDatabase(adminUrl, "probe"); // fails fast on a URL the test kit cannot derive database URLs from
    }

    @Override
    public String host() {
        return BaseServer.hostOf(adminUrl);
    }

    @Override
    public int port() {
        return BaseServer.portOf(adminUrl, engine.isPostgres() ? 5432 : 3306);
    }

    /** Without the password a record would show. */
    @Override
    public String toString() {
        return BaseServer.describe(this);
    }
}
