package io.backupkit.example.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A small shop: products with pictures, customers, orders. Its Backups tab (REST API, admin page at /backupkit/,
 * actuator health and meters) comes from the BackupKit starter and a few lines in application.properties.
 */
@SpringBootApplication
@EnableConfigurationProperties(ShopProperties.class)
public class ShopApplication {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ShopApplication.class);
        app.addListeners(new DataDirectoryCreator());
        app.run(args);
    }
}
