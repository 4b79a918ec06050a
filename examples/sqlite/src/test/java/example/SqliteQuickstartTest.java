package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.BackupResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** What a host application relies on after adding BackupKit through the BOM. */
class SqliteQuickstartTest {
    @TempDir
    Path dir;

    @Test
    void theQuickstartBacksUpAndRestoresTheDatabaseAndTheFiles() throws Exception {
        BackupResult backup = SqliteQuickstart.run(dir);

        assertEquals(2, backup.manifest().database().orElseThrow().totalRows());
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("shop.db"));
        assertEquals(2, SqliteQuickstart.count(ds), "the deleted order is back");
        assertEquals("a picture of a lamp", Files.readString(dir.resolve("media/products/lamp.jpg")));
    }

    @Test
    void theApplicationKeepsItsOwnJacksonVersion() {
        // pom.xml imports jackson-bom ${jackson.version} itself; importing backup-bom must not change it.
        String declared = System.getProperty("expected.jackson.version");
        assertTrue(declared != null && !declared.isBlank(), "surefire passes expected.jackson.version");
        assertEquals(declared, com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
        assertEquals(declared, com.fasterxml.jackson.datatype.jsr310.PackageVersion.VERSION.toString());
        assertEquals(declared, new ObjectMapper().version().toString());
    }
}
