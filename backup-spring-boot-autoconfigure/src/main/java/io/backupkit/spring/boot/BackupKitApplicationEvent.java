package io.backupkit.spring.boot;

import io.backupkit.api.BackupEvent;
import org.springframework.context.ApplicationEvent;

/**
 * An engine event (started, progress, finished, failed) published in the application context; listen with
 * {@code @EventListener void on(BackupKitApplicationEvent e)}. Delivered on the thread doing the work: keep listeners
 * quick.
 */
public class BackupKitApplicationEvent extends ApplicationEvent {
    private static final long serialVersionUID = 1L;
    private final transient BackupEvent event;

    public BackupKitApplicationEvent(Object source, BackupEvent event) {
        super(source);
        this.event = event;
    }

    /** The engine's event. */
    public BackupEvent getEvent() {
        return event;
    }
}
