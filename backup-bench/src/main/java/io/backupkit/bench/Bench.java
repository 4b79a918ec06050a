package io.backupkit.bench;

import io.backupkit.testkit.SampleApplication;
import io.backupkit.testkit.db.DatabaseServer;
import io.backupkit.testkit.db.DatabaseServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The benchmark of issue 8: generates the data, times BackupKit against pg_dump/pg_restore, mariadb-dump | zstd
 * and tar | zstd, interleaved (A B A B ...), and writes the ratio table to docs/PERFORMANCE.md.
 * Run through {@code bash backup-bench/run.sh [--scale S] [--runs N]}; never part of {@code mvn verify}.
 *
 * <p>Every measured command runs under {@code /usr/bin/time} (wall, user + system CPU of the process tree, peak
 * RSS); BackupKit runs in a child JVM with {@code -Xmx256m}. The database servers' own CPU time is read from
 * /proc (PostgreSQL: the postmaster's time plus that of its exited backends; MariaDB: the mariadbd process).
 */
public final class Bench {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final double scale;
    private final int runs;
    private final Path work;
    private final Path doc;
    private final String command;
    private final boolean profile;
    private final DataGenerator data;
    private final Map<String, String> toolEnv = new HashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    /** scenario -> tool -> samples, in the order they were added. */
    private final Map<String, Map<String, List<Sample>>> results = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private DatabaseServer pg;
    private DatabaseServer maria;
    private long pgServerPid;
    private long mariaServerPid;

    private Bench(double scale, int runs, Path work, Path doc, String command, boolean profile) {
        this.profile = profile;
        this.scale = scale;
        this.runs = runs;
        this.work = work;
        this.doc = doc;
        this.command = command;
        this.data = new DataGenerator(scale);
    }

    public static void main(String[] args) throws Exception {
        double scale = 1.0;
        int runs = 3;
        Path work = Path.of("backup-bench/target/bench-work");
        Path doc = Path.of("docs/PERFORMANCE.md");
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--doc" -> doc = Path.of(args[++i]);
                case "--profile" -> profile = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --scale S, --runs N, --work DIR, --doc FILE, --profile)");
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1");
        }
        String command = "bash backup-bench/run.sh --scale " + fmt(scale) + (runs == 3 ? "" : " --runs " + runs);
        if (profile) {
            // JFR costs time: a profiling run never overwrites the published table unless --doc says so
            doc = doc.equals(Path.of("docs/PERFORMANCE.md")) ? work.resolve("PERFORMANCE-profile.md") : doc;
        }
        new Bench(scale, runs, work.toAbsolutePath(), doc.toAbsolutePath(), command, profile).run();
        System.exit(0); // the shutdown hook of DatabaseServers stops the servers
    }

    private void run() throws Exception {
        Instant started = Instant.now();
        deleteRecursively(work);
        Files.createDirectories(work.resolve("logs"));
        System.setProperty("backupkit.test.servers.dir", work.resolve("servers").toString());
        pg = DatabaseServers.postgres15();
        maria = DatabaseServers.mariadb();
        pgServerPid = serverPid("pg15");
        mariaServerPid = serverPid("mariadb");
        writeCredentials();

        log("generating data at scale " + fmt(scale));
        long t0 = System.nanoTime();
        adminPg("CREATE DATABASE bench_src TEMPLATE template0 ENCODING 'UTF8'");
        try (Connection c = connect(pg, "bench_src")) {
            c.setAutoCommit(false);
            data.generatePostgres(c);
        }
        long pgBytes = scalarPg("SELECT pg_database_size('bench_src')");
        log(String.format(Locale.ROOT, "PostgreSQL: %d MB in %.0f s", pgBytes >> 20, secondsSince(t0)));
        t0 = System.nanoTime();
        adminMaria("CREATE DATABASE bench_src CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        Path transfer = Files.createDirectories(work.resolve("transfer"));
        try (Connection p = connect(pg, "bench_src");
             Connection m = DriverManager.getConnection(url(maria, "bench_src") + "?allowLocalInfile=true",
                     maria.user(), maria.password())) {
            data.copyToMariaDb(p, m, transfer);
        }
        long mariaBytes = scalarMaria("SELECT SUM(data_length + index_length) FROM information_schema.tables"
                + " WHERE table_schema = 'bench_src'");
        log(String.format(Locale.ROOT, "MariaDB: %d MB in %.0f s", mariaBytes >> 20, secondsSince(t0)));
        t0 = System.nanoTime();
        Path media = work.resolve("media");
        long mediaBytes = data.generateMedia(media);
        log(String.format(Locale.ROOT, "media: %d files, %d MB in %.0f s", data.mediaFiles(), mediaBytes >> 20,
                secondsSince(t0)));
        notes.add(String.format(Locale.ROOT, "Data at scale %s: PostgreSQL database %d MB (accounts %,d rows,"
                        + " customers %,d, orders %,d, blobs %,d of 4-64 KB); MariaDB %d MB (same rows, InnoDB data +"
                        + " indexes); media %,d files, %d MB.", fmt(scale), pgBytes >> 20, data.accounts(),
                data.customers(), data.orders(), data.blobs(), mariaBytes >> 20, data.mediaFiles(),
                mediaBytes >> 20));

        // Restore sources (also warms the caches): one untimed backup by every tool.
        Path src = Files.createDirectories(work.resolve("sources"));
        String pgId = capture(bkCommand("db-backup", "postgres", src.resolve("bk-pg")), bkEnv(pg, "bench_src"));
        String mariaId = capture(bkCommand("db-backup", "mariadb", src.resolve("bk-maria")),
                bkEnv(maria, "bench_src"));
        String filesId = capture(bkCommand("files-backup", "files", src.resolve("bk-files"), media.toString()),
                Map.of());
        Path pgDump = src.resolve("pg.dump");
        Path mariaDump = src.resolve("maria.sql.zst");
        Path tarZst = src.resolve("media.tar.zst");
        capture(List.of("pg_dump", "-Fc", "-f", pgDump.toString(), "bench_src"), toolEnv);
        capture(List.of("bash", "-c", mariaDumpPipe(mariaDump)), toolEnv);
        capture(List.of("bash", "-c", tarPipe(media, tarZst)), toolEnv);

        for (int run = 1; run <= runs; run++) {
            log("run " + run + " of " + runs);
            measurePostgresBackup();
            measurePostgresRestore(src.resolve("bk-pg"), pgId, pgDump);
            measureMariaDb(src.resolve("bk-maria"), mariaId, mariaDump);
            measureFiles(media, src.resolve("bk-files"), filesId, tarZst);
        }
        String report = Report.markdown(results, targets(), notes, command, started, Instant.now(), runs);
        System.out.println(report);
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, report + Report.keptAnalysis(Files.exists(doc) ? Files.readString(doc) : ""));
        log("wrote " + doc);
    }

    // ---- scenarios

    private void measurePostgresBackup() throws Exception {
        String s = "PostgreSQL backup";
        Path out = work.resolve("out");
        measure(s, "BackupKit", true, bkCommand("db-backup", "postgres", out), bkEnv(pg, "bench_src"), pgServerPid,
                out);
        measure(s, "pg_dump -Fc", false, List.of("pg_dump", "-Fc", "-f", out.toString(), "bench_src"), toolEnv,
                pgServerPid, out);
        measure(s, "pg_dump -Fd -j2", false, List.of("pg_dump", "-Fd", "-j", "2", "-f", out.toString(),
                "bench_src"), toolEnv, pgServerPid, out);
    }

    private void measurePostgresRestore(Path bkStorage, String id, Path dump) throws Exception {
        String s = "PostgreSQL restore";
        String db = freshPg();
        measure(s, "BackupKit", true, bkCommand("db-restore", "postgres", bkStorage, id), bkEnv(pg, db),
                pgServerPid, null);
        adminPg("DROP DATABASE " + db + " WITH (FORCE)");
        db = freshPg();
        measure(s, "pg_restore", false, List.of("pg_restore", "--no-owner", "-d", db, dump.toString()), toolEnv,
                pgServerPid, null);
        adminPg("DROP DATABASE " + db + " WITH (FORCE)");
        db = freshPg();
        measure(s, "pg_restore -j2", false, List.of("pg_restore", "--no-owner", "-j", "2", "-d", db,
                dump.toString()), toolEnv, pgServerPid, null);
        adminPg("DROP DATABASE " + db + " WITH (FORCE)");
    }

    private void measureMariaDb(Path bkStorage, String id, Path dump) throws Exception {
        Path out = work.resolve("out");
        measure("MariaDB backup", "BackupKit", true, bkCommand("db-backup", "mariadb", out),
                bkEnv(maria, "bench_src"), mariaServerPid, out);
        measure("MariaDB backup", "mariadb-dump | zstd -3", false, List.of("bash", "-c", mariaDumpPipe(out)),
                toolEnv, mariaServerPid, out);
        String db = freshMaria();
        measure("MariaDB restore", "BackupKit", true, bkCommand("db-restore", "mariadb", bkStorage, id),
                bkEnv(maria, db), mariaServerPid, null);
        adminMaria("DROP DATABASE " + db);
        db = freshMaria();
        measure("MariaDB restore", "zstd -dc | mariadb", false, List.of("bash", "-c", "zstd -dc -q "
                + quote(dump.toString()) + " | mariadb --defaults-extra-file=" + quote(myCnf().toString()) + " "
                + db), toolEnv, mariaServerPid, null);
        adminMaria("DROP DATABASE " + db);
    }

    private void measureFiles(Path media, Path bkStorage, String id, Path tarZst) throws Exception {
        Path out = work.resolve("out");
        measure("Files backup", "BackupKit", true, bkCommand("files-backup", "files", out, media.toString()),
                Map.of(), 0, out);
        measure("Files backup", "tar | zstd -3", false, List.of("bash", "-c", tarPipe(media, out)), toolEnv, 0,
                out);
        Path target = work.resolve("restored");
        deleteRecursively(target);
        Files.createDirectories(target);
        measure("Files restore", "BackupKit", true, bkCommand("files-restore", "files", bkStorage, id,
                target.toString()), Map.of(), 0, null);
        deleteRecursively(target);
        Files.createDirectories(target);
        measure("Files restore", "zstd -dc | tar -x", false, List.of("bash", "-c", "zstd -dc -q "
                + quote(tarZst.toString()) + " | tar -x -C " + quote(target.toString())), toolEnv, 0, null);
        deleteRecursively(target);
    }

    private List<Target> targets() {
        List<Target> t = new ArrayList<>();
        t.add(ratio("PostgreSQL backup wall time / pg_dump -Fc", "PostgreSQL backup", "pg_dump -Fc", wall(), 0.15));
        t.add(ratio("PostgreSQL backup wall time / pg_dump -Fd -j2", "PostgreSQL backup", "pg_dump -Fd -j2", wall(),
                Double.NaN));
        t.add(ratio("PostgreSQL backup size / pg_dump -Fc size", "PostgreSQL backup", "pg_dump -Fc",
                Sample::outputBytes, 0.9));
        t.add(ratio("PostgreSQL restore wall time / pg_restore (1 job)", "PostgreSQL restore", "pg_restore", wall(),
                0.55));
        t.add(ratio("PostgreSQL restore wall time / pg_restore -j2", "PostgreSQL restore", "pg_restore -j2", wall(),
                0.75));
        t.add(ratio("MariaDB backup wall time / mariadb-dump | zstd -3", "MariaDB backup", "mariadb-dump | zstd -3",
                wall(), 1.0));
        t.add(ratio("MariaDB backup size / mariadb-dump | zstd -3 size", "MariaDB backup", "mariadb-dump | zstd -3",
                Sample::outputBytes, Double.NaN));
        t.add(ratio("MariaDB restore wall time / mariadb client", "MariaDB restore", "zstd -dc | mariadb", wall(),
                0.5));
        t.add(ratio("Files backup wall time / tar | zstd -3", "Files backup", "tar | zstd -3", wall(), 1.1));
        t.add(ratio("Files restore wall time / zstd -dc | tar -x", "Files restore", "zstd -dc | tar -x", wall(),
                Double.NaN));
        double peakMb = 0;
        for (Map<String, List<Sample>> tools : results.values()) {
            for (Sample sample : tools.getOrDefault("BackupKit", List.of())) {
                peakMb = Math.max(peakMb, sample.peakRssKb() / 1024.0);
            }
        }
        t.add(new Target("peak RSS of any BackupKit run (max over runs)", peakMb, 300, "MB"));
        return t;
    }

    private static java.util.function.ToDoubleFunction<Sample> wall() {
        return Sample::wallSeconds;
    }

    private Target ratio(String measure, String scenario, String peer,
                         java.util.function.ToDoubleFunction<Sample> f, double limit) {
        Map<String, List<Sample>> tools = results.get(scenario);
        double ours = Sample.median(tools.get("BackupKit"), f);
        double theirs = Sample.median(tools.get(peer), f);
        return new Target(measure, ours / theirs, limit, "");
    }

    // ---- measuring

    private void measure(String scenario, String tool, boolean backupKit, List<String> argv, Map<String, String> env,
                         long serverPid, Path output) throws Exception {
        if (output != null) {
            deleteRecursively(output);
        }
        Path timeFile = work.resolve("time.txt");
        Path logFile = work.resolve("logs").resolve(counter.incrementAndGet() + "-" + tool.replaceAll("[^A-Za-z0-9]+",
                "_") + ".log");
        Files.createDirectories(logFile.getParent());
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile.toString()));
        full.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        pb.environment().putAll(env);
        double serverBefore = serverPid > 0 ? serverCpuSeconds(serverPid) : 0;
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(scenario + " / " + tool + " failed (exit " + p.exitValue() + "):\n"
                    + tail(logFile));
        }
        if (serverPid > 0) {
            Thread.sleep(300); // let the server reap the backends that just exited: their CPU lands in cutime
        }
        double serverCpu = serverPid > 0 ? serverCpuSeconds(serverPid) - serverBefore : 0;
        long size = output == null ? 0 : sizeOf(output);
        Sample s = Sample.fromTimeOutput(Files.readString(timeFile), size, serverCpu);
        results.computeIfAbsent(scenario, k -> new LinkedHashMap<>())
                .computeIfAbsent(tool, k -> new ArrayList<>()).add(s);
        log(String.format(Locale.ROOT, "  %-20s %-24s wall %7.2f s  cpu %7.2f s  server cpu %7.2f s  rss %5d MB"
                        + "  out %6d MB", scenario, tool, s.wallSeconds(), s.cpuSeconds(), s.serverCpuSeconds(),
                s.peakRssKb() / 1024, size >> 20));
        if (output != null) {
            deleteRecursively(output);
        }
    }

    /** Runs a command untimed and returns the last line it printed. */
    private String capture(List<String> argv, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(false);
        pb.environment().putAll(env);
        Path err = work.resolve("capture-stderr.log");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv.subList(0, Math.min(3, argv.size())))
                    + " failed:\n" + tail(err) + "\n" + out);
        }
        String[] lines = out.split("\n");
        return lines[lines.length - 1].strip();
    }

    private List<String> bkCommand(String op, String kind, Path storage, String... more) {
        // the throughput collector, as for any batch job: with G1 the same runs peaked at 316 MB RSS (MariaDB
        // restore, scale 0.1) against 196 MB, the heap being grown towards -Xmx more eagerly
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-XX:+UseParallelGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (profile) {
            cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + work.resolve("logs")
                    .resolve(counter.get() + 1 + "-" + op + "-" + kind + ".jfr"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchOperation.class.getName(), op, kind,
                storage.toString()));
        cmd.addAll(List.of(more));
        return cmd;
    }

    private Map<String, String> bkEnv(DatabaseServer server, String db) {
        return Map.of("BENCH_DB_URL", url(server, db), "BENCH_DB_USER", server.user(), "BENCH_DB_PASSWORD",
                server.password());
    }

    private String mariaDumpPipe(Path out) {
        return "set -o pipefail; mariadb-dump --defaults-extra-file=" + quote(myCnf().toString())
                + " --single-transaction --quick bench_src | zstd -3 -q -o " + quote(out.toString());
    }

    private static String tarPipe(Path media, Path out) {
        return "set -o pipefail; tar -c -C " + quote(media.getParent().toString()) + " " + quote(media.getFileName()
                .toString()) + " | zstd -3 -q -o " + quote(out.toString());
    }

    /** CPU seconds of a server: its own plus those of its exited (reaped) children, from /proc/PID/stat. */
    static double serverCpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the command: state(3) ... utime(14) stime(15) cutime(16) cstime(17); f[0] is field 3
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return ticks / 100.0;
    }

    private long serverPid(String prefix) throws IOException {
        try (Stream<Path> dirs = Files.list(work.resolve("servers"))) {
            Path dir = dirs.filter(d -> d.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no server directory " + prefix + "*"));
            return Long.parseLong(Files.readString(dir.resolve("server.pid")).strip());
        }
    }

    // ---- databases and credentials

    private void writeCredentials() throws IOException {
        Path pgpass = work.resolve("pgpass");
        Files.writeString(pgpass, pg.host() + ":" + pg.port() + ":*:" + pg.user() + ":" + pg.password() + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(myCnf(), "[client]\nhost=" + maria.host() + "\nport=" + maria.port() + "\nuser="
                + maria.user() + "\npassword=" + maria.password() + "\n");
        Files.setPosixFilePermissions(myCnf(), PosixFilePermissions.fromString("rw-------"));
        toolEnv.put("PGPASSFILE", pgpass.toString());
        toolEnv.put("PGHOST", pg.host());
        toolEnv.put("PGPORT", Integer.toString(pg.port()));
        toolEnv.put("PGUSER", pg.user());
    }

    private Path myCnf() {
        return work.resolve("my.cnf");
    }

    private String freshPg() throws SQLException {
        String name = "bench_r" + counter.incrementAndGet();
        adminPg("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
        return name;
    }

    private String freshMaria() throws SQLException {
        String name = "bench_r" + counter.incrementAndGet();
        adminMaria("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return name;
    }

    private static String url(DatabaseServer server, String db) {
        String admin = server.adminUrl();
        return admin.substring(0, admin.lastIndexOf('/') + 1) + db;
    }

    private static Connection connect(DatabaseServer server, String db) throws SQLException {
        return DriverManager.getConnection(url(server, db), server.user(), server.password());
    }

    private void adminPg(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private void adminMaria(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(maria.adminUrl(), maria.user(), maria.password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private long scalarPg(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long scalarMaria(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(maria.adminUrl(), maria.user(), maria.password());
             Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- small helpers

    static long sizeOf(Path path) {
        return Files.exists(path) ? SampleApplication.regularFileBytes(path) : 0;
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static void log(String message) {
        // a pattern, because LocalTime.toString() drops the seconds when they are :00
        String now = java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"));
        System.err.println("[bench " + now + "] " + message);
    }
}
