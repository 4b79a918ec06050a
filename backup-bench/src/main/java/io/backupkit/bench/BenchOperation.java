package io.backupkit.bench;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.core.BackupKit;
import io.backupkit.jdbc.mariadb.MariaDbDumper;
import io.backupkit.jdbc.postgres.PostgresDumper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One BackupKit operation, run by {@link Bench} in a child JVM ({@code -Xmx256m}) so its wall time, CPU time and
 * peak RSS are measured like those of the native tools. Default engine settings throughout; restores skip the
 * safety backup because the target is a fresh, empty database or directory (pg_restore takes none either).
 *
 * <p>Usage: {@code BenchOperation <db-backup|db-restore|files-backup|files-restore> <engine> <storage dir> [...]}.
 * Database credentials come from the environment ({@code BENCH_DB_URL}, {@code BENCH_DB_USER},
 * {@code BENCH_DB_PASSWORD}), never from the command line. Prints the backup id of a backup on stdout.
 */
public final class BenchOperation {
    private BenchOperation() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: BenchOperation <operation> <postgres|mariadb|files>"
                    + " <storage dir> [backup id] [files root or restore target]");
        }
        String operation = args[0];
        String kind = args[1];
        String storage = "file:" + Path.of(args[2]).toAbsolutePath();
        Map<String, String> env = System.getenv();
        long started = System.nanoTime();
        // for the profile: when the engine's phases start and end, relative to main()
        io.backupkit.api.BackupListener timeline = new io.backupkit.api.BackupListener() {
            private boolean progressSeen;

            @Override
            public void onEvent(io.backupkit.api.BackupEvent event) {
                boolean progress = event instanceof io.backupkit.api.BackupEvent.Progress;
                if (!progress || !progressSeen) {
                    progressSeen |= progress;
                    System.err.printf("%6d ms %s%n", (System.nanoTime() - started) / 1_000_000,
                            event.getClass().getSimpleName());
                }
            }
        };
        switch (operation) {
            case "db-backup" -> {
                BackupEngine engine = BackupKit.builder().listener(timeline).storage(storage).dataSource(dataSource(env))
                        .dumper(dumper(kind)).build();
                BackupResult result = engine.backup(BackupType.DATABASE);
                System.out.println(result.id().value());
            }
            case "db-restore" -> {
                BackupEngine engine = BackupKit.builder().listener(timeline).storage(storage).dataSource(dataSource(env))
                        .dumper(dumper(kind)).build();
                engine.restore(RestoreRequest.builder(BackupId.of(args[3])).databaseOnly().safetyBackup(false)
                        .build());
            }
            case "files-backup" -> {
                BackupEngine engine = BackupKit.builder().listener(timeline).storage(storage).files(Path.of(args[3])).build();
                System.out.println(engine.backup(BackupType.FILES).id().value());
            }
            case "files-restore" -> {
                BackupEngine engine = BackupKit.builder().listener(timeline).storage(storage).files(Path.of(args[4])).build();
                engine.restore(RestoreRequest.builder(BackupId.of(args[3])).filesOnly().safetyBackup(false)
                        .filesTarget(Path.of(args[4])).build());
            }
            default -> throw new IllegalArgumentException("unknown operation " + operation);
        }
        // for the profile: how much of the child's wall time is the operation, how much JVM start-up
        System.err.printf("operation %s %s: %d ms in the engine, %d ms since JVM start%n", operation, kind,
                (System.nanoTime() - started) / 1_000_000,
                System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    private static DatabaseDumper dumper(String kind) {
        return switch (kind) {
            case "postgres" -> PostgresDumper.create();
            case "mariadb" -> new MariaDbDumper();
            default -> throw new IllegalArgumentException("unknown database kind " + kind);
        };
    }

    private static DataSource dataSource(Map<String, String> env) {
        String url = required(env, "BENCH_DB_URL");
        String user = required(env, "BENCH_DB_USER");
        String password = required(env, "BENCH_DB_PASSWORD");
        return new DriverManagerDataSource(url, user, password);
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    /** A DataSource opening a connection per call; the engine and dumpers do their own pooling of workers. */
    record DriverManagerDataSource(String url, String user, String password) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return DriverManager.getConnection(url, u, p);
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }

        @Override
        public String toString() {
            return "DataSource(" + url + ")"; // never the password
        }
    }
}
