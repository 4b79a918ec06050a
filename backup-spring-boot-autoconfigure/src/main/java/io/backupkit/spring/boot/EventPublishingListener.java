package io.backupkit.spring.boot;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupListener;
import org.springframework.context.ApplicationEventPublisher;

/** Publishes every engine event as a {@link BackupKitApplicationEvent}. */
public class EventPublishingListener implements BackupListener {
    private final ApplicationEventPublisher publisher;

    public EventPublishingListener(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void onEvent(BackupEvent event) {
        publisher.publishEvent(new BackupKitApplicationEvent(this, event));
    }
}
