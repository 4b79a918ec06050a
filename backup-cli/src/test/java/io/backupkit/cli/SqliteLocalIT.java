package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every command against a SQLite database and local storage, through the built jar. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqliteLocalIT {
    private static final String ID_PATTERN = "\\d{8}T\\d{6}Z-[a-z]+-[0-9a-f]+";

    @TempDir
    static Path work;

    private Cli cli;
    private String id;
    private Path dbFile;
    private Map<String, String> originalRows;
    private Map<String, String> originalFiles;

    @BeforeAll
    void backUpTheSample() throws Exception {
        cli = new Cli(work);
        dbFile = work.resolve("shop.db");
        Samples.createShop("jdbc:sqlite:" + dbFile, 10, 30);
        Samples.createMedia(work.resolve("media"));
        originalRows = Samples.fingerprint("jdbc:sqlite:" + dbFile);
        originalFiles = Samples.files(work.resolve("media"));
        Cli.Result r = cli.ok("backup", "--storage", "file:./backups", "--db", "jdbc:sqlite:shop.db", "--files", "media",
                "--name", "first one", "--notes", "before the upgrade", "--tag", "manual", "--group", "nightly");
        id = r.out().strip();
        assertThat(id).matches(ID_PATTERN);
        assertThat(r.err()).contains("created full backup " + id).contains("3 tables, 100 rows")
                .doesNotContain("\r");   // not a terminal: plain lines, no redrawn bar
    }

    @Test
    void listPrintsATableAndJsonNewestFirst() throws Exception {
        cli.ok("backup", "--storage", "file:./backups", "--type", "files", "--files", "media", "--name", "second");
        Cli.Result table = cli.ok("list", "--storage", "file:./backups");
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("TYPE", "NAME", "STATUS", "CREATED", "SIZE");
        assertThat(table.out()).contains(id).contains("first one").containsPattern(" (un)?verified ");

        JsonNode json = cli.ok("list", "--storage", "file:./backups", "--json").json();
        assertThat(json.isArray()).isTrue();
        List<String> created = new ArrayList<>();
        json.forEach(b -> {
            assertThat(b.has("id") && b.has("type") && b.has("name") && b.has("status") && b.has("createdAt")
                    && b.has("size")).as(b.toString()).isTrue();
            created.add(b.get("createdAt").asText());
        });
        assertThat(created).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        JsonNode first = find(json, id);
        assertThat(first.get("type").asText()).isEqualTo("FULL");
        assertThat(first.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(first.get("size").asLong()).isPositive();
        assertThat(first.get("rows").asLong()).isEqualTo(100);

        JsonNode filtered = cli.ok("list", "--storage", "file:./backups", "--json", "--group", "nightly").json();
        assertThat(filtered).hasSize(1);
        assertThat(filtered.get(0).get("id").asText()).isEqualTo(id);
        assertThat(cli.ok("list", "--storage", "file:./backups", "--json", "--type", "files").json())
                .allSatisfy(b -> assertThat(b.get("type").asText()).isEqualTo("FILES"));
    }

    @Test
    void showPrintsTheManifest() {
        Cli.Result text = cli.ok("show", id, "--storage", "file:./backups");
        assertThat(text.out()).contains("id:        " + id).contains("customers: 10 rows").contains("orders: 30 rows")
                .contains("order_items: 60 rows").contains("before the upgrade").contains("warnings:")
                .contains("sha256 ");
        JsonNode m = cli.ok("show", id, "--storage", "file:./backups", "--json").json();
        assertThat(m.get("id").asText()).isEqualTo(id);
        assertThat(m.get("database").get("tables")).hasSize(3);
        assertThat(m.get("database").get("totalRows").asLong()).isEqualTo(100);
        assertThat(m.get("files").get("fileCount").asLong()).isPositive();
        assertThat(m.get("warnings").isArray()).isTrue();
        assertThat(m.get("objects")).allSatisfy(o -> assertThat(o.get("sha256").asText()).hasSize(64));
    }

    @Test
    void verifyPassesAndDetectsDamage() throws IOException {
        Cli.Result ok = cli.ok("verify", id, "--storage", "file:./backups");
        assertThat(ok.out()).startsWith("ok: " + id);
        assertThat(cli.ok("verify", id, "--storage", "file:./backups", "--json").summary().get("ok").asBoolean()).isTrue();

        Path copy = work.resolve("damaged-copy");
        copyTree(work.resolve("backups"), copy);
        Path object = largestObject(copy.resolve("backups").resolve(id));
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(object, bytes);
        Cli.Result damaged = cli.expect(ExitCode.INTEGRITY, "verify", id, "--storage", "file:./damaged-copy");
        assertThat(damaged.out()).contains("DAMAGED").contains(copy.resolve("backups").resolve(id).relativize(object).toString());
        assertThat(damaged.errors()).singleElement().asString().contains("do not restore it");
        // A damaged backup is never restored, and the target is not touched.
        Cli.Result refused = cli.run("restore", id, "--storage", "file:./damaged-copy", "--db", "jdbc:sqlite:untouched.db",
                "--files-to", "untouched-media", "--force");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.INTEGRITY);
        assertThat(work.resolve("untouched-media")).doesNotExist();
    }

    @Test
    void exportAndImportRoundTrip() throws IOException {
        cli.ok("export", id, "out.tar", "--storage", "file:./backups");
        assertThat(work.resolve("out.tar")).isNotEmptyFile();
        Cli.Result exists = cli.expect(ExitCode.CONFLICT, "export", id, "out.tar", "--storage", "file:./backups");
        assertThat(exists.err()).contains("--force");
        cli.ok("export", id, "out.tar", "--storage", "file:./backups", "--force", "--quiet");

        Cli.Result imported = cli.ok("import", "out.tar", "--storage", "file:./imported");
        assertThat(imported.out().strip()).isEqualTo(id);
        assertThat(cli.ok("verify", id, "--storage", "file:./imported").out()).startsWith("ok:");
        Cli.Result again = cli.expect(ExitCode.CONFLICT, "import", "out.tar", "--storage", "file:./imported");
        assertThat(again.errors()).hasSize(1);

        // A truncated archive is rejected and the storage is left as it was.
        byte[] whole = Files.readAllBytes(work.resolve("out.tar"));
        Files.write(work.resolve("cut.tar"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Cli.Result cut = cli.expect(ExitCode.INTEGRITY, "import", "cut.tar", "--storage", "file:./fresh");
        assertThat(cut.errors()).singleElement().asString().startsWith("backupkit: error: ");
        // nothing was imported (the history records the failed attempt)
        assertThat(Samples.tree(work.resolve("fresh/backups")).values()).allMatch("dir"::equals);
        assertThat(cli.ok("list", "--storage", "file:./fresh", "--json").json()).isEmpty();
        assertThat(cli.ok("history", "--storage", "file:./fresh", "--json").json().get(0).get("status").asText())
                .isEqualTo("FAILED");
    }

    @Test
    void restoreNeedsForceOnANonTerminalAndDryRunTouchesNothing() throws Exception {
        Path storage = work.resolve("restore-storage");
        copyTree(work.resolve("backups"), storage);
        Path db = work.resolve("changed.db");
        Files.copy(dbFile, db);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM order_items WHERE order_id > 20");
        }
        Map<String, String> changed = Samples.fingerprint("jdbc:sqlite:" + db);
        Map<String, String> storageBefore = Samples.tree(storage);

        Cli.Result refused = cli.expect(ExitCode.USAGE, "restore", id, "--storage", "file:./restore-storage",
                "--db", "jdbc:sqlite:changed.db", "--only", "database");
        assertThat(refused.errLines()).singleElement().asString().contains("pass --force").contains("not a terminal");
        assertThat(refused.out()).isEmpty();
        assertThat(Samples.fingerprint("jdbc:sqlite:" + db)).isEqualTo(changed);
        assertThat(Samples.tree(storage)).isEqualTo(storageBefore);

        Cli.Result dry = cli.ok("restore", id, "--storage", "file:./restore-storage", "--db", "jdbc:sqlite:changed.db",
                "--only", "database", "--validate-only");
        assertThat(dry.out()).startsWith("dry run of " + id).contains("order_items").contains("ROWS IN BACKUP");
        assertThat(Samples.fingerprint("jdbc:sqlite:" + db)).isEqualTo(changed);

        Cli.Result json = cli.ok("restore", id, "--storage", "file:./restore-storage", "--db", "jdbc:sqlite:changed.db",
                "--only", "database", "--validate-only", "--json");
        assertThat(json.summary().get("validateOnly").asBoolean()).isTrue();
        assertThat(Samples.fingerprint("jdbc:sqlite:" + db)).isEqualTo(changed);
    }

    @Test
    void restoreWithForceBringsDataAndFilesBack() throws Exception {
        Path storage = work.resolve("force-storage");
        copyTree(work.resolve("backups"), storage);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM order_items");
            s.executeUpdate("UPDATE customers SET name = 'changed'");
        }
        Files.writeString(work.resolve("media/readme.txt"), "edited\n");
        Files.delete(work.resolve("media/img/caption.txt"));
        Files.writeString(work.resolve("media/new.txt"), "stray\n");

        Cli.Result r = cli.ok("restore", id, "--storage", "file:./force-storage", "--db", "jdbc:sqlite:shop.db", "--force");
        assertThat(r.out()).startsWith("restored " + id).contains("safety backup ");
        assertThat(Samples.fingerprint("jdbc:sqlite:" + dbFile)).isEqualTo(originalRows);
        assertThat(Samples.files(work.resolve("media"))).isEqualTo(originalFiles);
        assertThat(cli.ok("list", "--storage", "file:./force-storage", "--type", "safety", "--json").json()).hasSize(1);
    }

    @Test
    void restoreIntoAnotherDatabaseAndDirectoryWithModes() throws Exception {
        cli.ok("restore", id, "--storage", "file:./backups", "--db", "jdbc:sqlite:copy.db", "--files-to", "copy-media",
                "--force", "--quiet");
        assertThat(Samples.fingerprint("jdbc:sqlite:" + work.resolve("copy.db"))).isEqualTo(originalRows);
        assertThat(Samples.files(work.resolve("copy-media"))).isEqualTo(originalFiles);

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work.resolve("copy.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM customers WHERE id > 8 AND id NOT IN (SELECT customer_id FROM orders)");
            s.executeUpdate("UPDATE customers SET email = 'x@example.com' WHERE id = 1");
        }
        Cli.Result merge = cli.ok("restore", id, "--storage", "file:./backups", "--db", "jdbc:sqlite:copy.db",
                "--only", "database", "--mode", "merge", "--tables", "customers", "--no-safety-backup", "--force");
        assertThat(merge.out()).contains("customers").doesNotContain("order_items").doesNotContain("safety backup");
        assertThat(Samples.fingerprint("jdbc:sqlite:" + work.resolve("copy.db"))).isEqualTo(originalRows);

        Cli.Result badMode = cli.expect(ExitCode.USAGE, "restore", id, "--storage", "file:./backups", "--db",
                "jdbc:sqlite:copy.db", "--mode", "sideways", "--force");
        assertThat(badMode.errLines()).singleElement().asString().contains("replace, merge or data-only");
    }

    @Test
    void deleteRemovesABackupAndMissingIdsAreNotFound() {
        String other = cli.ok("backup", "--storage", "file:./delete-storage", "--db", "jdbc:sqlite:shop.db",
                "--type", "database").out().strip();
        assertThat(other).matches(ID_PATTERN);
        cli.ok("delete", other, "--storage", "file:./delete-storage", "--force");
        assertThat(cli.ok("list", "--storage", "file:./delete-storage", "--json").json()).isEmpty();
        for (String command : List.of("show", "verify", "delete")) {
            Cli.Result r = cli.expect(ExitCode.NOT_FOUND, command, other, "--storage", "file:./delete-storage");
            assertThat(r.errLines()).as(command).singleElement().asString().contains(other);
        }
        cli.expect(ExitCode.NOT_FOUND, "restore", other, "--storage", "file:./delete-storage", "--force");
        cli.expect(ExitCode.NOT_FOUND, "export", other, "gone.tar", "--storage", "file:./delete-storage");
        assertThat(work.resolve("gone.tar")).doesNotExist();
    }

    @Test
    void pinAndUnpinShowInTheList() {
        cli.ok("pin", id, "--storage", "file:./backups");
        assertThat(find(cli.ok("list", "--storage", "file:./backups", "--json").json(), id).get("pinned").asBoolean()).isTrue();
        assertThat(cli.ok("list", "--storage", "file:./backups").out()).containsPattern(id + ".*yes");
        cli.ok("unpin", id, "--storage", "file:./backups");
        assertThat(find(cli.ok("list", "--storage", "file:./backups", "--json").json(), id).get("pinned").asBoolean()).isFalse();
        cli.expect(ExitCode.NOT_FOUND, "pin", "20200101T000000Z-full-0000", "--storage", "file:./backups");
    }

    @Test
    void historyStatsAndHealth() throws IOException {
        Cli.Result history = cli.ok("history", "--storage", "file:./backups");
        assertThat(history.out().lines().findFirst().orElseThrow()).contains("STARTED", "OPERATION", "STATUS", "ACTOR");
        assertThat(history.out()).contains("backup").contains(id).contains("cli:");

        Cli.Result csv = cli.ok("history", "--storage", "file:./backups", "--csv", "--operation", "backup");
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.out()))) {
            List<CSVRecord> records = parser.getRecords();
            assertThat(records).isNotEmpty();
            assertThat(records).anySatisfy(rec -> assertThat(rec.toMap().values()).contains(id));
        }
        JsonNode records = cli.ok("history", "--storage", "file:./backups", "--json", "--backup", id).json();
        assertThat(records).isNotEmpty().allSatisfy(rec -> assertThat(rec.get("backupId").asText()).isEqualTo(id));
        cli.expect(ExitCode.USAGE, "history", "--storage", "file:./backups", "--csv", "--json");

        JsonNode stats = cli.ok("stats", "--storage", "file:./backups", "--json").json();
        assertThat(stats.get("totalBackups").asLong()).isPositive();
        assertThat(stats.get("totalStoredBytes").asLong()).isPositive();
        assertThat(cli.ok("stats", "--storage", "file:./backups").out()).contains("backups:").contains("full");

        assertThat(cli.ok("health", "--storage", "file:./backups").out().strip()).isEqualTo("healthy");
        Cli.Result over = cli.expect(ExitCode.UNHEALTHY, "health", "--storage", "file:./backups", "--max-size", "1KiB");
        assertThat(over.out()).contains("STORAGE_OVER_LIMIT");
        cli.ok("list", "--storage", "file:./empty-storage", "--create");
        JsonNode unhealthy = cli.expect(ExitCode.UNHEALTHY, "health", "--storage", "file:./empty-storage", "--json").json();
        assertThat(unhealthy.get("healthy").asBoolean()).isFalse();
        assertThat(unhealthy.get("problems").get(0).get("kind").asText()).isEqualTo("STALE_BACKUP");
    }

    @Test
    void cleanupRemovesInterruptedBackupsOnly() throws IOException {
        Path storage = work.resolve("cleanup-storage");
        copyTree(work.resolve("backups"), storage);
        Path interrupted = storage.resolve("backups/20200101T000000Z-full-dead");
        Files.createDirectories(interrupted.resolve("db"));
        Files.writeString(interrupted.resolve("db/customers.jsonl.zst"), "partial");
        Cli.Result r = cli.ok("cleanup", "--interrupted", "--storage", "file:./cleanup-storage", "--force");
        assertThat(r.out()).contains("20200101T000000Z-full-dead");
        assertThat(interrupted).doesNotExist();
        assertThat(cli.ok("verify", id, "--storage", "file:./cleanup-storage").out()).startsWith("ok:");
        assertThat(cli.ok("cleanup", "--interrupted", "--storage", "file:./cleanup-storage").out())
                .contains("no interrupted backups");
        cli.expect(ExitCode.USAGE, "cleanup", "--storage", "file:./cleanup-storage");
        cli.expect(ExitCode.USAGE, "cleanup", "--keep-within", "soon", "--storage", "file:./cleanup-storage");
    }

    @Test
    void retentionPlansThenDeletesOnlyWithForce() {
        for (int i = 0; i < 3; i++) {
            cli.ok("backup", "--storage", "file:./retention", "--type", "files", "--files", "media", "--quiet");
        }
        String pinned = cli.ok("list", "--storage", "file:./retention", "--json").json().get(2).get("id").asText();
        cli.ok("pin", pinned, "--storage", "file:./retention");

        Cli.Result dry = cli.ok("cleanup", "--storage", "file:./retention", "--type", "files", "--keep-last", "1", "--dry-run");
        assertThat(dry.out()).contains("keep 2:").contains("delete 1").contains("pinned").contains("dry run");
        assertThat(cli.ok("list", "--storage", "file:./retention", "--json").json()).hasSize(3);

        Cli.Result refused = cli.expect(ExitCode.USAGE, "cleanup", "--storage", "file:./retention", "--keep-last", "1");
        assertThat(refused.errors()).singleElement().asString().contains("pass --force");
        assertThat(cli.ok("list", "--storage", "file:./retention", "--json").json()).hasSize(3);

        JsonNode done = cli.ok("cleanup", "--storage", "file:./retention", "--keep-last", "1", "--force", "--json").json();
        assertThat(done.get("delete")).hasSize(1);
        assertThat(done.get("delete").get(0).get("reasons").get(0).asText()).isNotBlank();
        List<String> left = new ArrayList<>();
        cli.ok("list", "--storage", "file:./retention", "--json").json().forEach(b -> left.add(b.get("id").asText()));
        assertThat(left).hasSize(2).contains(pinned);
        assertThat(cli.ok("history", "--storage", "file:./retention", "--operation", "cleanup", "--json").json()).isNotEmpty();
    }

    @Test
    void scheduleRunsBackupsWithRetentionInTheForeground() {
        Cli.Result r = cli.ok("schedule", "--storage", "file:./scheduled", "--files", "media", "--every", "1s",
                "--runs", "2", "--keep-last", "1", "--job", "test-job");
        assertThat(r.err()).contains("schedule 'test-job': files backup").contains("keep last 1").contains("run 2 finished");
        assertThat(cli.ok("list", "--storage", "file:./scheduled", "--json").json()).hasSize(1);
        JsonNode runs = cli.ok("history", "--storage", "file:./scheduled", "--operation", "backup", "--json").json();
        assertThat(runs).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(rec -> assertThat(rec.get("actor").asText()).isEqualTo("scheduler"));
        assertThat(cli.expect(ExitCode.USAGE, "schedule", "--storage", "file:./scheduled", "--files", "media",
                "--cron", "every night").errors()).singleElement().asString().contains("--cron 'every night'");
        cli.expect(ExitCode.USAGE, "schedule", "--storage", "file:./scheduled", "--files", "media");
        cli.expect(ExitCode.USAGE, "schedule", "--storage", "file:./scheduled", "--files", "media", "--cron", "0 2 * * *",
                "--zone", "Mars/Olympus");
    }

    @Test
    void backupOptionsReachTheManifest() {
        String files = cli.ok("backup", "--storage", "file:./options-storage", "--type", "files", "--files", "pics=media",
                "--include", "img/**", "--exclude", "**/*.txt", "--compression", "gzip", "--level", "5", "--quiet").out().strip();
        JsonNode m = cli.ok("show", files, "--storage", "file:./options-storage", "--json").json();
        assertThat(m.get("files").get("roots").get(0).get("name").asText()).isEqualTo("pics");
        assertThat(m.get("objects")).anySatisfy(o -> assertThat(o.get("compression").asText()).isEqualTo("gzip-5"));
        String tables = cli.ok("backup", "--storage", "file:./options-storage", "--db", "jdbc:sqlite:shop.db",
                "--exclude-tables", "order*", "--json").summary().get("id").asText();
        JsonNode t = cli.ok("show", tables, "--storage", "file:./options-storage", "--json").json();
        assertThat(t.get("type").asText()).isEqualTo("DATABASE");
        assertThat(t.get("database").get("tables")).hasSize(1);
        assertThat(t.get("database").get("tables").get(0).get("name").asText()).isEqualTo("customers");
        cli.expect(ExitCode.USAGE, "backup", "--storage", "file:./options-storage", "--files", "media", "--level", "42");
        cli.expect(ExitCode.USAGE, "backup", "--storage", "file:./options-storage", "--type", "database");
    }

    @Test
    void quietPrintsOnlyTheResult() {
        Cli.Result r = cli.ok("backup", "--storage", "file:./quiet-storage", "--files", "media", "--quiet");
        assertThat(r.out().strip()).matches(ID_PATTERN);
        assertThat(r.err()).isEmpty();
    }

    private static JsonNode find(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no " + id + " in " + array);
    }

    static Path largestObject(Path backupDir) throws IOException {
        try (Stream<Path> walk = Files.walk(backupDir)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("manifest.json"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
