package io.backupkit.core;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.internal.CrashPoints;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.db.DatabaseEngine;
import io.backupkit.testkit.db.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * Main class of the child JVM of the database kill tests ({@link KilledDatabaseRestoreContract}): restores a
 * database backup with REPLACE (parallelism 1) and, at the point {@code args[6]} names, prints {@code BLOCKED <point>}
 * and blocks for good, so the parent kills it exactly there. The points are found in what the restore does to the
 * storage and the database (the SQL it sends), so the dumpers need no test hooks:
 * <ul>
 *   <li>AFTER_INTENT: {@link CrashPoints#INTENT_WRITTEN};</li>
 *   <li>DURING_SAFETY_BACKUP: the safety backup writes its first database object (PostgreSQL: before the restore;
 *       MariaDB: after its swap, from the replaced tables moved aside);</li>
 *   <li>MID_LOAD: the second table's rows are opened (the first is loaded; MariaDB: into its staging table);</li>
 *   <li>DURING_SWAP: MariaDB, whose REPLACE swaps staging tables in with one RENAME TABLE, right after that statement
 *       returned (outside foreign keys not re-pointed, safety backup not taken); PostgreSQL, one transaction, at its
 *       COMMIT;</li>
 *   <li>AFTER_SWAP: MariaDB during clean-up, once the safety backup is complete, at the drop of the first replaced
 *       table moved aside (foreign keys, routines, triggers, events, views still to come); PostgreSQL right after its
 *       COMMIT returned.</li>
 * </ul>
 */
public final class KilledDatabaseRestoreChild {
    private KilledDatabaseRestoreChild() {
    }

    public static void main(String[] args) {
        ChildJvm.startWatchdog();
        Path store = Path.of(args[0]);
        DatabaseEngine engine = DatabaseEngine.valueOf(args[1]);
        TestDatabase db = new TestDatabase(engine, "target", args[2], args[3], args[4]);
        BackupId id = BackupId.of(args[5]);
        StopAt stopAt = StopAt.valueOf(args[6]);
        AtomicBoolean loading = new AtomicBoolean(); // the checks before the restore read every object too
        CrashPoints.install(point -> {
            ChildJvm.stopIf(stopAt == StopAt.AFTER_INTENT && point.equals(CrashPoints.INTENT_WRITTEN), point);
            loading.compareAndSet(false, point.equals(CrashPoints.DATABASE_STARTING));
        });
        StorageProvider storage = stoppingStorage(LocalStorageProvider.at(store), id, stopAt, loading);
        DataSource ds = stoppingDataSource(db.dataSource(), stopAt, engine == DatabaseEngine.MARIADB);
        try (BackupEngine e = BackupKit.builder().storage(storage).dataSource(ds).parallelism(1)
                // a cold child JVM on a loaded machine can take longer than the default 250 ms to write the lock
                .operationLock(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ZERO).build()) {
            e.restore(RestoreRequest.builder(id).build());
        }
        System.out.println("FINISHED without stopping at " + stopAt);
        System.exit(2);
    }

    /** The five kill points of issue 13. */
    public enum StopAt { AFTER_INTENT, DURING_SAFETY_BACKUP, MID_LOAD, DURING_SWAP, AFTER_SWAP }

    private static StorageProvider stoppingStorage(StorageProvider delegate, BackupId restored, StopAt stopAt,
                                                   AtomicBoolean loading) {
        Set<String> opened = ConcurrentHashMap.newKeySet();
        return (StorageProvider) Proxy.newProxyInstance(StorageProvider.class.getClassLoader(),
                new Class<?>[] {StorageProvider.class}, (proxy, method, args) -> {
                    if (args != null && args.length > 0 && args[0] instanceof String key) {
                        if (stopAt == StopAt.DURING_SAFETY_BACKUP && method.getName().equals("put")
                                && key.contains("-safety-") && key.contains("/db/")) {
                            ChildJvm.stopIf(true, "put " + key);
                        }
                        if (stopAt == StopAt.MID_LOAD && loading.get() && method.getName().equals("get") && key.contains(restored.value())
                                && key.contains("/db/") && !key.contains("schema") && opened.add(key) && opened.size() == 2) {
                            ChildJvm.stopIf(true, "get " + key);
                        }
                    }
                    return forward(delegate, method, args);
                });
    }

    private static DataSource stoppingDataSource(DataSource delegate, StopAt stopAt, boolean mariaDb) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object r = forward(delegate, method, args);
                    return r instanceof Connection c ? connection(c, stopAt, mariaDb) : r;
                });
    }

    private static Connection connection(Connection delegate, StopAt stopAt, boolean mariaDb) {
        boolean[] dropped = new boolean[1]; // a DROP TABLE went through this connection: it is the restore's
        java.util.function.Consumer<String> check = s -> {
            String up = s.strip().toUpperCase(Locale.ROOT);
            dropped[0] |= up.startsWith("DROP TABLE");
            boolean afterSwap = stopAt == StopAt.AFTER_SWAP && up.startsWith("DROP TABLE") && up.contains("BACKUPKIT_OLD_");
            ChildJvm.stopIf(mariaDb && afterSwap, "before " + s.substring(0, Math.min(60, s.length())));
        };
        java.util.function.Consumer<String> after = s -> {
            boolean swapped = s.strip().toUpperCase(Locale.ROOT).startsWith("RENAME TABLE");
            ChildJvm.stopIf(mariaDb && stopAt == StopAt.DURING_SWAP && swapped, "after " + s.substring(0, Math.min(60, s.length())));
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    boolean commit = method.getName().equals("commit") && dropped[0] && !mariaDb;
                    ChildJvm.stopIf(commit && stopAt == StopAt.DURING_SWAP, "before COMMIT");
                    if (args != null && args.length > 0 && args[0] instanceof String s
                            && method.getName().startsWith("prepare")) {
                        check.accept(s);
                    }
                    Object r = forward(delegate, method, args);
                    ChildJvm.stopIf(commit && stopAt == StopAt.AFTER_SWAP, "after COMMIT");
                    return r instanceof Statement st && method.getName().equals("createStatement") ? statement(st, check, after) : r;
                });
    }

    private static Statement statement(Statement delegate, java.util.function.Consumer<String> check,
                                       java.util.function.Consumer<String> after) {
        return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> {
                    boolean sql = args != null && args.length > 0 && args[0] instanceof String
                            && (method.getName().startsWith("execute") || method.getName().equals("addBatch"));
                    if (sql) {
                        check.accept((String) args[0]);
                    }
                    Object r = forward(delegate, method, args);
                    if (sql) {
                        after.accept((String) args[0]);
                    }
                    return r;
                });
    }

    private static Object forward(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
