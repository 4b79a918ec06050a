package io.backupkit.core;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.storage.local.LocalStorageProvider;
import io.backupkit.testkit.db.DatabaseEngine;
import io.backupkit.testkit.db.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Main class of the child JVM of {@link KilledStagedPostgresRestoreTest}: a parallel PostgreSQL REPLACE through the
 * engine that halts (no clean-up of any kind) when a worker opens a table's data while the staging schema exists.
 */
public final class KilledStagedPostgresRestoreChild {
    static final int HALTED = 137;

    private KilledStagedPostgresRestoreChild() {
    }

    public static void main(String[] args) throws Exception {
        String password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        TestDatabase target = new TestDatabase(DatabaseEngine.POSTGRES_15, "target", args[1], args[2], password);
        StorageProvider local = LocalStorageProvider.at(Path.of(args[0]));
        StorageProvider storage = (StorageProvider) Proxy.newProxyInstance(StorageProvider.class.getClassLoader(),
                new Class<?>[] {StorageProvider.class}, (proxy, method, margs) -> {
                    if (method.getName().equals("get") && margs[0] instanceof String key && key.contains(".copy")
                            && stagingExists(target)) {
                        System.out.println("HALTED loading " + key);
                        System.out.flush();
                        Runtime.getRuntime().halt(HALTED);
                    }
                    try {
                        return method.invoke(local, margs);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (BackupEngine engine = BackupKit.builder().storage(storage).dataSource(target.dataSource()).parallelism(2)
                .build()) {
            engine.restore(RestoreRequest.builder(BackupId.of(args[3])).mode(RestoreMode.REPLACE).build());
        }
        System.out.println("FINISHED without being killed");
        System.exit(2);
    }

    private static boolean stagingExists(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'backupkit\\_restore\\_%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
