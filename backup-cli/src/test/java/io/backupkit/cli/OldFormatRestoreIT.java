package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup made by the previous schema model format (kept in test resources) still restores, view and counter too. */
class OldFormatRestoreIT {
    private static final String ID = "20261202T151139Z-database-e2ea";

    @TempDir
    Path work;

    @Test
    void aSqliteBackupOfSchemaModelFormat1Restores() throws Exception {
        copyFixture("sqlite-format1", work);
        Cli cli = new Cli(work);

        cli.ok("restore", ID, "--storage", "file:./backups", "--db", "jdbc:sqlite:restored.db", "--force");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work.resolve("restored.db"));
             Statement st = c.createStatement()) {
            assertThat(rows(st, "SELECT email, body FROM user_notes ORDER BY email, body"))
                    .containsExactly("a@x.org|null", "a@x.org|first", "b@x.org|second ü");
            assertThat(rows(st, "SELECT name, seq FROM sqlite_sequence")).containsExactly("users|3");
            assertThat(rows(st, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
                    .containsExactly("notes_user|notes");
        }
    }

    /** Copies the fixture's {@code backups} folder (test resources {@code old-format/<name>}) into {@code work}. */
    static void copyFixture(String name, Path work) throws java.io.IOException {
        Path fixture = Path.of("src/test/resources/old-format", name, "backups").toAbsolutePath();
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path p : files.toList()) {
                Path to = work.resolve("backups").resolve(fixture.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    /** The first two columns of each row, joined by {@code |}. */
    static List<String> rows(Statement st, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2));
            }
        }
        return out;
    }
}
