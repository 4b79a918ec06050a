package io.backupkit.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;

/**
 * Deterministic benchmark data. PostgreSQL is generated server-side ({@code generate_series} and
 * {@code hashint4}/{@code md5}/{@code sha512} of the row number, so the data never depends on a random state);
 * MariaDB receives the very same rows through COPY / LOAD DATA; the media folder comes from a seeded
 * {@link SplittableRandom}. At scale 1: accounts 5 M rows, 20,000 blobs of 4-64 KB (half compressible),
 * 400 k customers, 1.2 M orders, 20,000 media files (~1 GB).
 */
final class DataGenerator {
    static final long MEDIA_SEED = 20260422L;
    private static final int MIN_FILE = 1024;
    private static final int MAX_FILE = 300 * 1024;
    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or"
            + " his from at which but have an they you were her she there been one all we their has would when"
            + " if so no will more can out other into what its time only could new them man some these then two"
            + " first may any like now my such make over our even most me state after also made many did must"
            + " before back see through way where get much go well your know should down work year because come"
            + " people just say each those take day good how long").split(" ");

    private final double scale;

    DataGenerator(double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, was " + scale);
        }
        this.scale = scale;
    }

    long accounts() {
        return Math.max(1000, Math.round(5_000_000 * scale));
    }

    long branches() {
        return (accounts() + 99_999) / 100_000;
    }

    long customers() {
        return Math.max(100, Math.round(400_000 * scale));
    }

    long orders() {
        return Math.max(300, Math.round(1_200_000 * scale));
    }

    long blobs() {
        return Math.max(20, Math.round(20_000 * scale));
    }

    int mediaFiles() {
        return (int) Math.max(20, Math.round(20_000 * scale));
    }

    /** The PostgreSQL schema and data: tables first, then keys and indexes (as a bulk load would). */
    List<String> postgresScript() {
        return List.of(
                "CREATE SEQUENCE invoice_no START 1000",
                "CREATE TABLE branches (bid int NOT NULL, bbalance int NOT NULL, filler char(88))",
                "CREATE TABLE tellers (tid int NOT NULL, bid int NOT NULL, tbalance int NOT NULL, filler char(84))",
                "CREATE TABLE accounts (aid int NOT NULL, bid int NOT NULL, abalance int NOT NULL, filler char(84))",
                "CREATE TABLE customers (id bigserial, uid uuid NOT NULL, name text NOT NULL, email text NOT NULL,"
                        + " balance numeric(14,2) NOT NULL, created_at timestamptz NOT NULL, profile jsonb,"
                        + " tags text[], scores int[], note text)",
                "CREATE TABLE orders (id bigint NOT NULL, invoice bigint NOT NULL DEFAULT nextval('invoice_no'),"
                        + " customer_id bigint NOT NULL, amount numeric(12,2) NOT NULL, status text NOT NULL,"
                        + " placed_at timestamptz NOT NULL, shipped_at timestamptz, items jsonb NOT NULL)",
                "CREATE TABLE blobs (id int NOT NULL, name text NOT NULL, mime text, data bytea NOT NULL)",
                "INSERT INTO branches SELECT b, 0, NULL FROM generate_series(1, " + branches() + ") b",
                "INSERT INTO tellers SELECT t, (t - 1) / 10 + 1, 0, NULL FROM generate_series(1, "
                        + branches() * 10 + ") t",
                "INSERT INTO accounts SELECT a, (a - 1) / 100000 + 1, hashint4(a) % 100000, ''"
                        + " FROM generate_series(1, " + accounts() + ") a",
                "INSERT INTO customers (id, uid, name, email, balance, created_at, profile, tags, scores, note)"
                        + " SELECT i, md5('u' || i)::uuid,"
                        + " initcap(substr(md5('n' || i), 1, 4 + (h & 7))) || ' '"
                        + "   || initcap(substr(md5('s' || i), 1, 5 + ((h >> 3) & 15))),"
                        + " 'user' || i || '@example' || (h & 63) || '.com',"
                        + " ((h & 1048575) - 300000) / 100.0,"
                        + " timestamptz '2020-01-01 00:00:00+00' + ((h & 2147483647) % 157680000) * interval '1 second',"
                        + " CASE WHEN h & 15 = 0 THEN NULL ELSE jsonb_build_object('plan',"
                        + "   (ARRAY['free','pro','team','enterprise'])[1 + ((h >> 4) & 3)], 'age', 18 + ((h >> 6) & 63),"
                        + "   'newsletter', (h >> 12) & 1 = 1, 'langs', jsonb_build_array('en',"
                        + "   CASE WHEN (h >> 13) & 1 = 1 THEN 'de' ELSE 'fr' END)) END,"
                        + " CASE WHEN h & 7 = 0 THEN NULL ELSE ARRAY['t' || (h & 31), 't' || ((h >> 5) & 31)] END,"
                        + " ARRAY[(h >> 1) & 1023, (h >> 11) & 1023, (h >> 21) & 1023],"
                        + " CASE WHEN (h >> 8) & 3 = 0 THEN NULL WHEN h & 255 = 1 THEN repeat(md5(i::text), 200)"
                        + "   ELSE repeat('lorem ipsum dolor sit amet ', (h >> 16) & 15) || md5('x' || i) END"
                        + " FROM (SELECT i, hashint4(i) AS h FROM generate_series(1, " + customers() + ") i) g",
                "SELECT setval('customers_id_seq', " + customers() + ")",
                "INSERT INTO orders SELECT i, 1000 + i, 1 + (h & 2147483647) % " + customers() + ","
                        + " (h & 65535) / 100.0 + 1, (ARRAY['new','paid','shipped','cancelled'])[1 + ((h >> 16) & 3)],"
                        + " timestamptz '2021-01-01 00:00:00+00' + ((h & 2147483647) % 126144000) * interval '1 second',"
                        + " CASE WHEN (h >> 16) & 3 = 0 THEN NULL ELSE timestamptz '2025-01-01 00:00:00+00'"
                        + "   + ((h >> 2) & 65535) * interval '1 minute' END,"
                        + " jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (h & 4095), 'qty', 1 + ((h >> 12) & 7),"
                        + "   'price', ((h >> 3) & 9999) / 100.0))"
                        + " FROM (SELECT i, hashint4(i + 7777777) AS h FROM generate_series(1, " + orders() + ") i) g",
                "SELECT setval('invoice_no', " + (1000 + orders()) + ")",
                // half the values compressible text, half sha512 output (incompressible), 4-64 KB each
                "INSERT INTO blobs SELECT i, 'file-' || i || '.bin',"
                        + " CASE WHEN i % 2 = 0 THEN 'text/plain' WHEN i % 7 = 0 THEN NULL ELSE 'application/octet-stream' END,"
                        + " CASE WHEN i % 2 = 0 THEN convert_to(substr(repeat('The quick brown fox ' || i"
                        + "   || ' jumps over the lazy dog. ', 2000), 1, n), 'UTF8')"
                        + " ELSE substring((SELECT string_agg(sha512(int4send(i) || int4send(j)), ''::bytea)"
                        + "   FROM generate_series(1, (n + 63) / 64) j) FROM 1 FOR n) END"
                        + " FROM (SELECT i, 4096 + (hashint4(i) & 2147483647) % 61441 AS n"
                        + "   FROM generate_series(1, " + blobs() + ") i) g",
                "ALTER TABLE branches ADD PRIMARY KEY (bid)",
                "ALTER TABLE tellers ADD PRIMARY KEY (tid)",
                "ALTER TABLE accounts ADD PRIMARY KEY (aid)",
                "ALTER TABLE customers ADD PRIMARY KEY (id)",
                "ALTER TABLE orders ADD PRIMARY KEY (id)",
                "ALTER TABLE blobs ADD PRIMARY KEY (id)",
                "CREATE UNIQUE INDEX customers_email ON customers (email)",
                "CREATE INDEX customers_created ON customers (created_at)",
                "CREATE INDEX orders_customer ON orders (customer_id)",
                "CREATE INDEX orders_placed ON orders (placed_at)",
                "ALTER TABLE tellers ADD FOREIGN KEY (bid) REFERENCES branches",
                "ALTER TABLE accounts ADD FOREIGN KEY (bid) REFERENCES branches",
                "ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers");
    }

    void generatePostgres(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET maintenance_work_mem = '256MB'");
            for (String sql : postgresScript()) {
                st.execute(sql);
            }
        }
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("VACUUM (FREEZE, ANALYZE)"); // hint bits set now, not by the first timed dump
        }
    }

    /** MariaDB tables equivalent to the PostgreSQL ones (arrays as text, jsonb as JSON). */
    static List<String> mariaDbSchema() {
        return List.of(
                "CREATE TABLE branches (bid INT PRIMARY KEY, bbalance INT NOT NULL, filler CHAR(88))",
                "CREATE TABLE tellers (tid INT PRIMARY KEY, bid INT NOT NULL, tbalance INT NOT NULL, filler CHAR(84),"
                        + " FOREIGN KEY (bid) REFERENCES branches (bid))",
                "CREATE TABLE accounts (aid INT PRIMARY KEY, bid INT NOT NULL, abalance INT NOT NULL, filler CHAR(84),"
                        + " FOREIGN KEY (bid) REFERENCES branches (bid))",
                "CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, uid UUID NOT NULL,"
                        + " name VARCHAR(100) NOT NULL, email VARCHAR(200) NOT NULL, balance DECIMAL(14,2) NOT NULL,"
                        + " created_at DATETIME(6) NOT NULL, profile JSON, tags TEXT, scores TEXT, note MEDIUMTEXT,"
                        + " UNIQUE KEY customers_email (email), KEY customers_created (created_at))",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, invoice BIGINT NOT NULL, customer_id BIGINT NOT NULL,"
                        + " amount DECIMAL(12,2) NOT NULL, status VARCHAR(20) NOT NULL, placed_at DATETIME(6) NOT NULL,"
                        + " shipped_at DATETIME(6), items JSON NOT NULL, KEY orders_placed (placed_at),"
                        + " FOREIGN KEY (customer_id) REFERENCES customers (id))",
                "CREATE TABLE blobs (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, mime VARCHAR(50),"
                        + " data MEDIUMBLOB NOT NULL)");
    }

    /** For each MariaDB table: the PostgreSQL query giving its rows, and the LOAD DATA column list. */
    static List<String[]> mariaDbTransfers() {
        String utc = "'YYYY-MM-DD HH24:MI:SS.US'";
        return List.of(
                new String[] {"branches", "SELECT bid, bbalance, filler FROM branches ORDER BY bid",
                        "(bid, bbalance, filler)"},
                new String[] {"tellers", "SELECT tid, bid, tbalance, filler FROM tellers ORDER BY tid",
                        "(tid, bid, tbalance, filler)"},
                new String[] {"accounts", "SELECT aid, bid, abalance, filler FROM accounts ORDER BY aid",
                        "(aid, bid, abalance, filler)"},
                new String[] {"customers", "SELECT id, uid, name, email, balance, to_char(created_at AT TIME ZONE"
                        + " 'UTC', " + utc + "), profile, tags, scores, note FROM customers ORDER BY id",
                        "(id, uid, name, email, balance, created_at, profile, tags, scores, note)"},
                new String[] {"orders", "SELECT id, invoice, customer_id, amount, status, to_char(placed_at AT TIME"
                        + " ZONE 'UTC', " + utc + "), to_char(shipped_at AT TIME ZONE 'UTC', " + utc + "), items"
                        + " FROM orders ORDER BY id",
                        "(id, invoice, customer_id, amount, status, placed_at, shipped_at, items)"},
                new String[] {"blobs", "SELECT id, name, mime, encode(data, 'hex') FROM blobs ORDER BY id",
                        "(id, name, mime, @hex) SET data = UNHEX(@hex)"});
    }

    /**
     * Copies the PostgreSQL rows into MariaDB: COPY TO a temporary file per table (text format, whose escapes
     * LOAD DATA reads as they are), then {@code LOAD DATA LOCAL INFILE}. The connection needs
     * {@code allowLocalInfile=true}.
     */
    void copyToMariaDb(Connection pg, Connection maria, Path tempDir) throws SQLException, IOException {
        try (Statement st = maria.createStatement()) {
            st.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0, time_zone = '+00:00'");
            for (String sql : mariaDbSchema()) {
                st.execute(sql);
            }
            for (String[] t : mariaDbTransfers()) {
                Path file = tempDir.resolve(t[0] + ".tsv");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                    pg.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + t[1] + ") TO STDOUT", out);
                }
                try {
                    st.execute("LOAD DATA LOCAL INFILE '" + file.toAbsolutePath() + "' INTO TABLE " + t[0]
                            + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'"
                            + " LINES TERMINATED BY '\\n' " + t[2]);
                } finally {
                    Files.delete(file);
                }
            }
            st.execute("ALTER TABLE customers AUTO_INCREMENT = " + (customers() + 1));
            st.execute("ANALYZE TABLE branches, tellers, accounts, customers, orders, blobs");
        }
    }

    /**
     * Writes the media folder: files of 1 KB-300 KB, log-uniform (many small, some large; ~52 KB mean), in 100
     * directories; even-numbered files are word text (compressible), odd ones random bytes (like JPEG).
     *
     * @return total bytes written
     */
    long generateMedia(Path root) throws IOException {
        SplittableRandom random = new SplittableRandom(MEDIA_SEED);
        long total = 0;
        byte[] buffer = new byte[MAX_FILE];
        for (int i = 0; i < mediaFiles(); i++) {
            int size = fileSize(random.nextDouble());
            Path dir = root.resolve(String.format("d%02d", i % 100));
            Files.createDirectories(dir);
            if (i % 2 == 0) {
                fillText(random, buffer, size);
                Files.write(dir.resolve("doc-" + i + ".txt"), java.util.Arrays.copyOf(buffer, size));
            } else {
                byte[] data = new byte[size];
                random.nextBytes(data);
                Files.write(dir.resolve("img-" + i + ".jpg"), data);
            }
            total += size;
        }
        return total;
    }

    /** Log-uniform size between 1 KB and 300 KB for {@code u} in [0, 1). */
    static int fileSize(double u) {
        return (int) Math.round(MIN_FILE * Math.exp(u * Math.log((double) MAX_FILE / MIN_FILE)));
    }

    private static void fillText(SplittableRandom random, byte[] buffer, int size) {
        int pos = 0;
        while (pos < size) {
            byte[] word = (WORDS[random.nextInt(WORDS.length)] + (random.nextInt(12) == 0 ? ".\n" : " "))
                    .getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(word.length, size - pos);
            System.arraycopy(word, 0, buffer, pos, n);
            pos += n;
        }
    }
}
