package io.backupkit.core;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.internal.CrashPoints;
import io.backupkit.storage.local.LocalStorageProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Main class of the child JVM of {@link KilledFilesRestoreTest}: restores a files backup with REPLACE and, at the
 * point {@code args[3]} names, prints {@code BLOCKED <point>} and blocks for good, so the parent kills it there.
 */
public final class KilledRestoreChild {
    /** The five kill points of the issue. */
    public enum StopAt {
        /** The intent record is written; nothing else happened. */
        AFTER_INTENT,
        /** The safety backup's archive is being written. */
        DURING_SAFETY_BACKUP,
        /** Half-way through extracting the backup into the staging directory. */
        MID_LOAD,
        /** Between the two renames of the swap: the target is moved aside, the staged directory not yet in. */
        BETWEEN_RENAMES,
        /** After the swap, before the replaced directory is removed. */
        AFTER_SWAP
    }

    static final int ENTRIES_BEFORE_MID_LOAD = 20;

    private KilledRestoreChild() {
    }

    public static void main(String[] args) {
        ChildJvm.startWatchdog();
        Path store = Path.of(args[0]);
        Path media = Path.of(args[1]);
        BackupId id = BackupId.of(args[2]);
        StopAt stopAt = StopAt.valueOf(args[3]);
        AtomicInteger staged = new AtomicInteger();
        CrashPoints.install(point -> {
            switch (stopAt) {
                case AFTER_INTENT -> stopIf(point.equals(CrashPoints.INTENT_WRITTEN), point);
                case MID_LOAD -> stopIf(point.equals(CrashPoints.FILE_STAGED)
                        && staged.incrementAndGet() == ENTRIES_BEFORE_MID_LOAD, point);
                case BETWEEN_RENAMES -> stopIf(point.equals(CrashPoints.BETWEEN_RENAMES), point);
                case AFTER_SWAP -> stopIf(point.equals(CrashPoints.SWAPPED), point);
                default -> { }
            }
        });
        StorageProvider local = LocalStorageProvider.at(store);
        StorageProvider storage = stopAt != StopAt.DURING_SAFETY_BACKUP ? local : stoppingAtSafetyArchive(local);
        try (BackupEngine engine = BackupKit.builder().storage(storage).files(media).build()) {
            engine.restore(RestoreRequest.builder(id).build());
        }
        System.out.println("FINISHED without stopping at " + stopAt);
        System.exit(2);
    }

    /** The storage, stopping the process when the safety backup starts writing its files archive. */
    private static StorageProvider stoppingAtSafetyArchive(StorageProvider delegate) {
        return (StorageProvider) Proxy.newProxyInstance(StorageProvider.class.getClassLoader(),
                new Class<?>[] {StorageProvider.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") && args[0] instanceof String key && key.contains("-safety-")
                            && key.contains("/files/files.tar")) {
                        stopIf(true, "put " + key);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void stopIf(boolean condition, String where) {
        ChildJvm.stopIf(condition, where);
    }
}
