package io.backupkit.example.shop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The shop's own API: products, their pictures, orders. */
@RestController
@RequestMapping("/api")
public class ShopController {
    private final JdbcClient jdbc;
    private final Path uploads;

    public ShopController(JdbcClient jdbc, ShopProperties properties) throws IOException {
        this.jdbc = jdbc;
        this.uploads = Files.createDirectories(properties.uploads());
    }

    @GetMapping("/products")
    public List<Map<String, Object>> products() {
        return jdbc.sql("SELECT id, name, price_cents, image FROM products ORDER BY id").query().listOfRows();
    }

    @PostMapping(path = "/products", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> addProduct(@RequestBody NewProduct p) {
        if (p.name() == null || p.name().isBlank() || p.priceCents() < 0) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name is required and priceCents must be >= 0");
        }
        long id = jdbc.sql("SELECT COALESCE(MAX(id), 0) + 1 FROM products").query(Long.class).single();
        jdbc.sql("INSERT INTO products (id, name, price_cents) VALUES (?, ?, ?)").params(id, p.name(), p.priceCents())
                .update();
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id, "name", p.name(), "priceCents", p.priceCents()));
    }

    /** Stores a product picture (the raw request body) in the uploads folder. */
    @PutMapping(path = "/products/{id}/image", consumes = {MediaType.IMAGE_JPEG_VALUE, MediaType.IMAGE_PNG_VALUE,
            MediaType.APPLICATION_OCTET_STREAM_VALUE})
    public Map<String, Object> putImage(@PathVariable long id, InputStream body) throws IOException {
        int rows = jdbc.sql("UPDATE products SET image = ? WHERE id = ?").params("product-" + id + ".img", id).update();
        if (rows == 0) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no product " + id);
        }
        Path file = uploads.resolve("product-" + id + ".img");
        Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
        return Map.of("id", id, "image", file.getFileName().toString(), "bytes", Files.size(file));
    }

    @GetMapping("/orders")
    public List<Map<String, Object>> orders() {
        return jdbc.sql("SELECT o.id, c.name AS customer, o.created_at, SUM(i.quantity * p.price_cents) AS total_cents"
                + " FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_items i ON i.order_id = o.id"
                + " JOIN products p ON p.id = i.product_id GROUP BY o.id, c.name, o.created_at ORDER BY o.id")
                .query().listOfRows();
    }

    /** A product to add. */
    public record NewProduct(String name, long priceCents) {
    }
}
