package io.backupkit.example.shop;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The shop's own settings.
 *
 * @param uploads where product pictures are stored (backed up by BackupKit as the {@code uploads} root)
 */
@ConfigurationProperties("shop")
public record ShopProperties(Path uploads) {
    public ShopProperties {
        uploads = uploads == null ? Path.of("shop-data/uploads") : uploads;
    }
}
