package io.backupkit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A small application to back up end to end: a shop database (customers, products, orders, order items, tied by
 * foreign keys) and a media directory of nested files, plus the changes a restore must undo and a snapshot of a
 * directory tree to compare. The SQL is plain enough for SQLite and H2.
 */
public final class SampleApplication {
    /** The tables {@link #createDatabase} makes, parents before children. */
    public static final List<String> TABLES = List.of("customers", "products", "orders", "order_items");

    private static final String[] NAMES = {"photo", "Ünïcødé ñame", "with space", "日本語", "résumé", "a.b.c", "UPPER"};
    private static final String[] PERMS = {"rw-r--r--", "rw-------", "rwxr-xr-x", "r--r--r--", "rw-rw-r--"};

    private SampleApplication() {
    }

    // ------------------------------------------------------------------ database

    /** Creates the shop tables in an empty database and fills them (about 250 rows, blobs and NULLs included). */
    public static void createDatabase(DataSource ds, long seed) {
        Random rnd = new Random(seed);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                        + "email VARCHAR(200) UNIQUE, created_at TIMESTAMP)");
                st.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, sku VARCHAR(40) NOT NULL UNIQUE, "
                        + "title VARCHAR(200), price DECIMAL(10,2), image BLOB)");
                st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, "
                        + "customer_id INTEGER NOT NULL REFERENCES customers (id), placed_at TIMESTAMP, note VARCHAR(2000))");
                st.execute("CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders (id), "
                        + "product_id INTEGER NOT NULL REFERENCES products (id), quantity INTEGER NOT NULL, "
                        + "PRIMARY KEY (order_id, product_id))");
                st.execute("CREATE INDEX orders_by_customer ON orders (customer_id)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?)")) {
                for (int id = 1; id <= 30; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, NAMES[id % NAMES.length] + " " + id);
                    ps.setString(3, id % 7 == 0 ? null : "customer" + id + "@example.com");
                    ps.setString(4, Instant.ofEpochSecond(1_700_000_000L + rnd.nextInt(10_000_000)).toString());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO products VALUES (?, ?, ?, ?, ?)")) {
                for (int id = 1; id <= 20; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "SKU-" + (1000 + id));
                    ps.setString(3, id % 5 == 0 ? null : "Product " + NAMES[id % NAMES.length]);
                    ps.setBigDecimal(4, java.math.BigDecimal.valueOf(100 + rnd.nextInt(100_000), 2));
                    ps.setBytes(5, id % 6 == 0 ? null : SeededContent.bytes(seed + id, rnd.nextInt(3_000)));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?)");
                 PreparedStatement item = c.prepareStatement("INSERT INTO order_items VALUES (?, ?, ?)")) {
                for (int id = 1; id <= 60; id++) {
                    order.setInt(1, id);
                    order.setInt(2, 1 + rnd.nextInt(30));
                    order.setString(3, Instant.ofEpochSecond(1_710_000_000L + id * 3_600L).toString());
                    order.setString(4, id % 4 == 0 ? null : "deliver to door " + id + ", 'quoted' \"twice\"\nline 2");
                    order.addBatch();
                    int first = 1 + rnd.nextInt(20);
                    for (int n = 0; n < 1 + id % 4; n++) {
                        item.setInt(1, id);
                        item.setInt(2, 1 + (first + n * 3) % 20);
                        item.setInt(3, 1 + rnd.nextInt(9));
                        item.addBatch();
                    }
                }
                order.executeBatch();
                item.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the sample database: " + e.getMessage(), e);
        }
    }

    /** Changes rows in every table the way an application would: updates, deletes (children first) and inserts. */
    public static void changeDatabase(DataSource ds) {
        execute(ds,
                "UPDATE customers SET name = name || ' (renamed)', email = NULL WHERE id % 3 = 0",
                "UPDATE products SET price = price * 2, image = NULL WHERE id % 4 = 1",
                "DELETE FROM order_items WHERE order_id % 5 = 0",
                "DELETE FROM orders WHERE id % 5 = 0",
                "INSERT INTO customers VALUES (1001, 'late customer', 'late@example.com', NULL)",
                "INSERT INTO orders VALUES (1001, 1001, NULL, 'ordered after the backup')",
                "INSERT INTO order_items VALUES (1001, 1, 5)",
                "UPDATE order_items SET quantity = quantity + 10 WHERE product_id = 2");
    }

    /** Runs statements in one transaction. */
    public static void execute(DataSource ds, String... statements) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + e.getMessage(), e);
        }
    }

    /** Rows in all of {@link #TABLES}. */
    public static long rowCount(DataSource ds) {
        long rows = 0;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count rows: " + e.getMessage(), e);
        }
        return rows;
    }

    // ------------------------------------------------------------------ media files

    /**
     * A media tree: {@code files} files in nested folders (up to three levels, unicode and space-containing
     * names), empty and larger files, varied permissions and sub-second modification times, one empty folder.
     */
    public static void createMedia(Path root, int files, long seed) {
        Random rnd = new Random(seed);
        try {
            Files.createDirectories(root);
            for (int i = 0; i < files; i++) {
                Path dir = root;
                for (int d = rnd.nextInt(4); d > 0; d--) {
                    dir = dir.resolve("album " + d + "-" + NAMES[rnd.nextInt(NAMES.length)]);
                }
                Files.createDirectories(dir);
                Path file = dir.resolve(NAMES[rnd.nextInt(NAMES.length)] + " " + i + (i % 3 == 0 ? ".jpg" : ".txt"));
                int size = i % 10 == 0 ? 0 : i == 7 ? 700_000 : rnd.nextInt(20_000);
                Files.write(file, SeededContent.bytes(seed + i, size));
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(PERMS[rnd.nextInt(PERMS.length)]));
                Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(
                        1_600_000_000L + rnd.nextInt(100_000_000), rnd.nextInt(1_000_000_000))));
            }
            Files.createDirectories(root.resolve("empty folder"));
            setDirectoryTimes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the sample media under " + root, e);
        }
    }

    /** Changes the tree as users would: one file rewritten, one deleted, one added in a new folder, one chmod-ed. */
    public static void changeMedia(Path root) {
        try {
            List<Path> files;
            try (Stream<Path> all = Files.walk(root)) {
                files = all.filter(Files::isRegularFile).sorted().toList();
            }
            if (files.size() < 3) {
                throw new IllegalArgumentException("changeMedia needs at least 3 files under " + root);
            }
            Files.writeString(files.get(0), "overwritten after the backup", StandardCharsets.UTF_8);
            Files.delete(files.get(1));
            Files.setPosixFilePermissions(files.get(2), PosixFilePermissions.fromString("rwx------"));
            Path added = Files.createDirectories(root.resolve("new album")).resolve("new photo.jpg");
            Files.write(added, SeededContent.bytes(99, 5_000));
            Files.delete(root.resolve("empty folder"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not change the sample media under " + root, e);
        }
    }

    /**
     * Everything under {@code root} a restore must reproduce: relative path -> type, size, SHA-256, permissions and
     * modification time (the root's own entry excluded: a restore target is a different directory).
     */
    public static Map<String, String> snapshot(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> !p.equals(root)).toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String perms = a.isSymbolicLink() ? ""
                        : PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                String what;
                if (a.isSymbolicLink()) {
                    what = "link -> " + Files.readSymbolicLink(p);
                } else if (a.isDirectory()) {
                    what = "dir " + perms + " " + a.lastModifiedTime().toInstant();
                } else {
                    what = "file " + a.size() + " " + sha256(p) + " " + perms + " " + a.lastModifiedTime().toInstant();
                }
                out.put(root.relativize(p).toString(), what);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not snapshot " + root, e);
        }
        return out;
    }

    /** Total size of the regular files under {@code root}. */
    public static long regularFileBytes(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("could not walk " + root, e);
        }
    }

    private static void setDirectoryTimes(Path root) throws IOException {
        // Last: creating entries inside a directory changes its time.
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(d, FileTime.from(Instant.ofEpochSecond(1_500_000_000L + d.toString().length())));
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
