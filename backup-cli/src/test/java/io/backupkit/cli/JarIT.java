package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar is one runnable file holding every module's services, every driver, and help for every command. */
class JarIT {
    private static final List<String> COMMANDS = List.of("backup", "list", "show", "verify", "delete", "pin", "unpin", "restore", "export",
            "import", "cleanup", "schedule", "stats", "health", "history", "config", "demo");

    @TempDir
    Path work;

    @Test
    void serviceFilesOfEveryModuleAreMerged() throws IOException {
        try (JarFile jar = new JarFile(Cli.JAR.toFile())) {
            assertThat(entry(jar, "META-INF/services/io.backupkit.api.spi.StorageProviderFactory")).contains(
                    "io.backupkit.storage.local.LocalStorageProviderFactory",
                    "io.backupkit.storage.s3.S3StorageProviderFactory",
                    "io.backupkit.storage.gdrive.DriveStorageProviderFactory");
            assertThat(entry(jar, "META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory")).contains(
                    "io.backupkit.jdbc.sqlite.SqliteDumper$Factory", "io.backupkit.jdbc.h2.H2Dumper$Factory",
                    "io.backupkit.jdbc.mariadb.MariaDbDumper$Factory").containsPattern("io\\.backupkit\\.jdbc\\.postgres\\.PostgresDumper\\$?Factory");
            // every line of every module's service files, merged rather than overwritten
            Path root = Path.of(System.getProperty("backupkit.repo.root", "..")).toAbsolutePath().normalize();
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.find(root, 7, (p, a) -> a.isRegularFile()
                    && p.toString().contains("/src/main/resources/META-INF/services/")
                    && !p.toString().contains("/target/"))) {
                for (Path service : (Iterable<Path>) files::iterator) {
                    String merged = entry(jar, "META-INF/services/" + service.getFileName());
                    for (String line : java.nio.file.Files.readAllLines(service)) {
                        if (!line.isBlank() && !line.startsWith("#")) {
                            assertThat(merged).as(service.toString()).contains(line.strip());
                        }
                    }
                }
            }
            assertThat(entry(jar, "META-INF/services/java.sql.Driver")).contains("org.postgresql.Driver",
                    "org.mariadb.jdbc.Driver", "org.sqlite.JDBC", "org.h2.Driver");
            assertThat(entry(jar, "META-INF/MANIFEST.MF")).contains("Main-Class: io.backupkit.cli.Main");
            // The CLI's logging backend is slf4j-simple, alone.
            assertThat(jar.getEntry("org/slf4j/simple/SimpleLogger.class")).isNotNull();
            assertThat(jar.stream().anyMatch(e -> e.getName().startsWith("ch/qos/logback/"))).isFalse();
        }
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        Cli cli = new Cli(work);
        Cli.Result root = cli.ok("--help");
        assertThat(root.out()).contains("Examples:").contains("Exit codes:");
        COMMANDS.forEach(c -> assertThat(root.out()).contains("  " + c));
        for (String command : COMMANDS) {
            Cli.Result r = cli.ok(command, "--help");
            assertThat(r.out()).as(command).startsWith("Usage: backupkit " + command).contains("Examples:")
                    .contains("backupkit " + command);
        }
        assertThat(cli.ok("--version").out()).startsWith("backupkit ");
    }

    @Test
    void anH2DatabaseIsFoundThroughTheBundledDumper() throws Exception {
        String url = "jdbc:h2:" + work.resolve("h2db").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            Samples.createShop(c, 4, 6);
        }
        Cli cli = new Cli(work);
        String id = cli.ok("backup", "--storage", "file:./h2-backups", "--db", url, "--db-user", "sa", "--quiet").out().strip();
        assertThat(cli.ok("show", id, "--storage", "file:./h2-backups", "--json").json().get("database").get("dumper")
                .asText()).isEqualTo("h2");
        String copy = "jdbc:h2:" + work.resolve("h2copy").toAbsolutePath();
        cli.ok("restore", id, "--storage", "file:./h2-backups", "--db", copy, "--db-user", "sa", "--force", "--quiet");
        try (Connection a = DriverManager.getConnection(url, "sa", "");
             Connection b = DriverManager.getConnection(copy, "sa", "")) {
            assertThat(Samples.fingerprint(b)).isEqualTo(Samples.fingerprint(a));
        }
    }

    private static String entry(JarFile jar, String name) throws IOException {
        assertThat(jar.getEntry(name)).as(name).isNotNull();
        try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
