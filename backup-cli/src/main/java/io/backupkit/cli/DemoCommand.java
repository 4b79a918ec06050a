package io.backupkit.cli;

import io.backupkit.api.internal.CountingDigestOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's first command: a shop database (SQLite) and its media folder, created if absent, are backed up,
 * listed, verified, damaged, restored, and compared with what they were — through the same commands a user types.
 */
@Command(name = "demo",
        description = {"Runs the main job on a sample, printing every command it runs, to copy.",
                "A SQLite shop database (customers, orders, order_items) and a media folder under ./backupkit-demo/",
                "(created if absent) are backed up to file:./backupkit-demo/backups, listed, verified, changed,",
                "restored, and shown to be back."},
        footer = {"  java -jar backup-cli/target/backupkit.jar demo", "  backupkit demo --dir /tmp/try-backupkit"})
final class DemoCommand extends BaseCommand {
    private static final String[] TABLES = {"customers", "orders", "order_items"};

    @Option(names = "--dir", paramLabel = "DIR", description = "Where the sample lives (default ./backupkit-demo).")
    Path dir = Path.of("backupkit-demo");

    @Override
    public Integer call() throws Exception {
        Path db = dir.resolve("shop.db");
        Path media = dir.resolve("media");
        Path backups = dir.resolve("backups");
        Files.createDirectories(dir);
        String dbUrl = "jdbc:sqlite:" + db;
        String storage = "file:" + backups;

        step("1. A sample shop: a SQLite database with related tables and a media folder, in " + dir);
        if (!Files.exists(db)) {
            createDatabase(dbUrl);
            out().result("   created " + db);
        } else {
            out().result("   using the existing " + db);
        }
        if (!Files.isDirectory(media)) {
            createMedia(media);
            out().result("   created " + media);
        } else {
            out().result("   using the existing " + media);
        }
        Map<String, String> original = fingerprint(dbUrl, media);
        print("   ", original);

        step("2. Back up database and files (FULL)");
        String id = run("backup", "--type", "full", "--storage", storage, "--db", dbUrl, "--files", media.toString(),
                "--name", "demo", "--tag", "demo").strip();
        if (id.isEmpty()) {
            return ExitCode.FAILED;
        }
        step("3. List the backups");
        run("list", "--storage", storage);
        step("4. Verify every object's size and SHA-256");
        run("verify", id, "--storage", storage);

        step("5. Something goes wrong: orders deleted, a customer edited, a file changed, a file lost, a stray file");
        damage(dbUrl, media);
        Map<String, String> damaged = fingerprint(dbUrl, media);
        print("   ", damaged);

        step("6. Restore the backup (a safety backup of the current state is taken first)");
        run("restore", id, "--storage", storage, "--db", dbUrl, "--force");

        step("7. Compare with the state before the backup");
        Map<String, String> restored = fingerprint(dbUrl, media);
        boolean same = true;
        for (Map.Entry<String, String> e : original.entrySet()) {
            boolean ok = e.getValue().equals(restored.get(e.getKey()));
            same &= ok;
            out().result(String.format("   %-20s before %-34s after %-34s %s", e.getKey(), e.getValue(),
                    restored.get(e.getKey()), ok ? "OK" : "DIFFERENT"));
        }
        same &= original.equals(restored);
        if (!same) {
            out().result("demo FAILED: the restored data differs from the backup");
            return ExitCode.FAILED;
        }
        out().result("");
        out().result("Data and files are back: every table's rows and every file match the state that was backed up.");
        out().result("Next: " + selfCommand() + " show " + id + " --storage " + storage);
        return ExitCode.OK;
    }

    /** How this jar was started, relative to the working directory when possible, for commands to copy. */
    private static String selfCommand() {
        String launcher = System.getProperty("backupkit.launcher");   // set by bin/backupkit
        if (launcher != null && !launcher.isBlank()) {
            return launcher;
        }
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                Path cwd = Path.of("").toAbsolutePath();
                return "java -jar " + (jar.startsWith(cwd) ? cwd.relativize(jar) : jar);
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through to the generic name
        }
        return "backupkit";
    }

    private void step(String title) {
        out().result("");
        out().result("== " + title);
    }

    /** Runs one backupkit command through the same code a user's command line takes; returns its stdout. */
    private String run(String... args) {
        out().result("$ backupkit " + String.join(" ", args));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Main nested = root.nested();
        nested.stdout = new PrintStream(captured, true, StandardCharsets.UTF_8);
        Map<String, String> env = new LinkedHashMap<>(root.environment);
        env.keySet().removeIf(k -> k.startsWith("BACKUPKIT_"));   // the demo is self-contained
        nested.environment = env;
        nested.workDir = dir.toAbsolutePath();                      // so no ./backupkit.yml is picked up
        nested.quiet = root.quiet;
        nested.verbose = root.verbose;
        int code = nested.execute(args);
        String text = captured.toString(StandardCharsets.UTF_8);
        text.lines().forEach(l -> out().result("   " + l));
        if (code != ExitCode.OK) {
            throw new CliException(code, "the demo stopped: 'backupkit " + args[0] + "' exited with " + code);
        }
        return text;
    }

    private static void createDatabase(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys = ON");
            s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,"
                    + " created_at TEXT NOT NULL)");
            s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
                    + " ordered_at TEXT NOT NULL, status TEXT NOT NULL)");
            s.execute("CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id)"
                    + " ON DELETE CASCADE, product TEXT NOT NULL, quantity INTEGER NOT NULL, price_cents INTEGER NOT NULL)");
            s.execute("CREATE INDEX order_items_order ON order_items(order_id)");
            c.setAutoCommit(false);
            Random random = new Random(42);
            String[] first = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Linus"};
            String[] last = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Torvalds"};
            String[] products = {"notebook", "pencil", "mug", "t-shirt", "sticker", "poster", "keyboard", "lamp"};
            String[] statuses = {"paid", "shipped", "delivered", "refunded"};
            try (PreparedStatement customer = c.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?)");
                 PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?)");
                 PreparedStatement item = c.prepareStatement("INSERT INTO order_items VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= 50; i++) {
                    customer.setInt(1, i);
                    customer.setString(2, first[i % 10] + " " + last[(i * 7) % 10]);
                    customer.setString(3, "customer" + i + "@example.com");
                    customer.setString(4, String.format("2025-%02d-%02dT10:00:00Z", 1 + i % 12, 1 + i % 28));
                    customer.addBatch();
                }
                customer.executeBatch();
                int itemId = 1;
                for (int o = 1; o <= 200; o++) {
                    order.setInt(1, o);
                    order.setInt(2, 1 + random.nextInt(50));
                    order.setString(3, String.format("2026-%02d-%02dT%02d:30:00Z", 1 + o % 12, 1 + o % 28, o % 24));
                    order.setString(4, statuses[random.nextInt(statuses.length)]);
                    order.addBatch();
                    for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
                        item.setInt(1, itemId++);
                        item.setInt(2, o);
                        item.setString(3, products[random.nextInt(products.length)]);
                        item.setInt(4, 1 + random.nextInt(3));
                        item.setInt(5, 199 + random.nextInt(5000));
                        item.addBatch();
                    }
                }
                order.executeBatch();
                item.executeBatch();
            }
            c.commit();
        }
    }

    private static void createMedia(Path media) throws IOException {
        Files.createDirectories(media.resolve("products"));
        Files.createDirectories(media.resolve("avatars"));
        Files.writeString(media.resolve("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\">"
                + "<circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"teal\"/></svg>\n");
        Random random = new Random(7);
        for (int p = 1; p <= 8; p++) {
            Files.writeString(media.resolve("products").resolve(String.format("p%03d.txt", p)),
                    "Product " + p + "\nA fine thing, carefully described.\n");
        }
        for (int a = 1; a <= 5; a++) {
            byte[] image = new byte[16 * 1024 + a * 1000];
            random.nextBytes(image);
            Files.write(media.resolve("avatars").resolve("customer" + a + ".bin"), image);
        }
    }

    private static void damage(String url, Path media) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys = ON");
            s.executeUpdate("DELETE FROM orders WHERE id <= 40");       // their items go too (ON DELETE CASCADE)
            s.executeUpdate("UPDATE customers SET email = 'oops@example.com' WHERE id = 1");
        }
        Files.writeString(media.resolve("products").resolve("p001.txt"), "overwritten by mistake\n");
        Files.deleteIfExists(media.resolve("logo.svg"));
        Files.writeString(media.resolve("stray.tmp"), "not in the backup\n");
    }

    /** Per table: row count and SHA-256 of its rows in key order; for the media folder: file count and SHA-256. */
    private static Map<String, String> fingerprint(String url, Path media) throws SQLException, IOException {
        Map<String, String> f = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                MessageDigest md = CountingDigestOutputStream.newSha256();
                long rows = 0;
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= columns; i++) {
                            md.update(String.valueOf(rs.getString(i)).getBytes(StandardCharsets.UTF_8));
                            md.update((byte) 0);
                        }
                    }
                }
                f.put("table " + table, rows + " rows, sha256 " + HexFormat.of().formatHex(md.digest()).substring(0, 12));
            }
        }
        MessageDigest md = CountingDigestOutputStream.newSha256();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(media)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        for (Path p : files) {
            md.update(media.relativize(p).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            try {
                md.update(Files.readAllBytes(p));   // demo files are a few KiB
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        f.put("media files", files.size() + " files, sha256 " + HexFormat.of().formatHex(md.digest()).substring(0, 12));
        return f;
    }

    private void print(String indent, Map<String, String> fingerprint) {
        fingerprint.forEach((k, v) -> out().result(indent + String.format("%-20s %s", k, v)));
    }
}
