package io.backupkit.testkit.db;

/** A running test database server (local, started by the test kit, or external, named by the environment). */
public interface DatabaseServer {

    DatabaseEngine engine();

    /** JDBC URL of the server's administrative database ({@code postgres} or {@code mysql}). */
    String adminUrl();

    /** The administrative user (a superuser on local servers). */
    String user();

    String password();

    /** Host name or address clients connect to. */
    String host();

    /** TCP port clients connect to. */
    int port();

    /** Creates a new, empty database with a unique name and returns how to reach it. */
    TestDatabase createDatabase();
}
