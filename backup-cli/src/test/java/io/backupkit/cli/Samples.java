package io.backupkit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Sample databases and media folders, and fingerprints to compare them before and after. */
final class Samples {
    private Samples() {
    }

    /** customers / orders / order_items with foreign keys. */
    static void createShop(Connection c, int customers, int orders) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200))");
            s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
                    + " total_cents INTEGER NOT NULL)");
            s.execute("CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),"
                    + " product VARCHAR(50) NOT NULL, quantity INTEGER NOT NULL)");
            for (int i = 1; i <= customers; i++) {
                s.addBatch("INSERT INTO customers VALUES (" + i + ", 'Customer " + i + "', 'c" + i + "@example.com')");
            }
            s.executeBatch();
            for (int o = 1; o <= orders; o++) {
                s.addBatch("INSERT INTO orders VALUES (" + o + ", " + (1 + o % customers) + ", " + (o * 137) + ")");
                s.addBatch("INSERT INTO order_items VALUES (" + (2 * o) + ", " + o + ", 'product " + o % 7 + "', 1)");
                s.addBatch("INSERT INTO order_items VALUES (" + (2 * o + 1) + ", " + o + ", 'gift', 2)");
            }
            s.executeBatch();
        }
    }

    static void createShop(String url, int customers, int orders) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            createShop(c, customers, orders);
        }
    }

    /** Table name to "rows:sha256" of its rows in key order. */
    static Map<String, String> fingerprint(Connection c) throws SQLException {
        Map<String, String> f = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            for (String table : new String[] {"customers", "orders", "order_items"}) {
                MessageDigest md = sha256();
                int rows = 0;
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= n; i++) {
                            md.update(String.valueOf(rs.getString(i)).getBytes(StandardCharsets.UTF_8));
                            md.update((byte) 0);
                        }
                    }
                }
                f.put(table, rows + ":" + HexFormat.of().formatHex(md.digest()));
            }
        }
        return f;
    }

    static Map<String, String> fingerprint(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return fingerprint(c);
        }
    }

    static void createMedia(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Files.writeString(dir.resolve("readme.txt"), "media of the sample app\n");
        byte[] image = new byte[200_000];
        new java.util.Random(1).nextBytes(image);
        Files.write(dir.resolve("img/photo.bin"), image);
        Files.writeString(dir.resolve("img/caption.txt"), "a photo\n");
    }

    /** Relative path to SHA-256 of every regular file below dir. */
    static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> f = new TreeMap<>();
        if (!Files.exists(dir)) {
            return f;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                f.put(dir.relativize(p).toString(), HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(p))));
            }
        }
        return f;
    }

    /** Every path below dir with its size and modification time, to show that nothing changed. */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> f = new TreeMap<>();
        if (!Files.exists(dir)) {
            return f;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                f.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return f;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
