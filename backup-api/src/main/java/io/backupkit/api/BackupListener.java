package io.backupkit.api;

/**
 * Receives the events of every operation an engine runs. Called on the thread doing the work, so keep it
 * quick. An exception thrown by a listener is logged and ignored: listeners never break an operation.
 */
@FunctionalInterface
public interface BackupListener {
    void onEvent(BackupEvent event);
}
