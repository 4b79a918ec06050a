package io.backupkit.example.shop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/** Creates {@code shop.data-dir} before the SQLite database in it is opened (SQLite does not create folders). */
class DataDirectoryCreator implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        String dir = event.getEnvironment().getProperty("shop.data-dir", "./shop-data");
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shop.data-dir " + dir, e);
        }
    }
}
