package example;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.core.BackupKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteDataSource;

/**
 * The README's database quickstart: an application's SQLite database and its media folder backed up in one
 * backup, then restored over a change. Run it with {@code mvn -q compile exec:java} or from the IDE; it works
 * in {@code ./quickstart} (or the folder given as the first argument).
 */
public final class SqliteQuickstart {
    private SqliteQuickstart() {
    }

    public static void main(String[] args) throws Exception {
        run(Path.of(args.length > 0 ? args[0] : "quickstart"));
    }

    /** Creates a small shop database and media folder in {@code dir} (when missing), backs up, damages, restores. */
    static BackupResult run(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("media/products"));
        Files.writeString(dir.resolve("media/products/lamp.jpg"), "a picture of a lamp");
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + dir.resolve("shop.db"));
        execute(dataSource, "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)",
                "INSERT OR REPLACE INTO orders VALUES (1, 'lamp'), (2, 'chair')");
        Path media = dir.resolve("media");
        Path backups = dir.resolve("backups");

        // README:database:start
        BackupEngine engine = BackupKit.builder()
                .storage("file:" + backups)             // or "s3://bucket/app", a StorageProvider
                .dataSource(dataSource)                 // your DataSource: PostgreSQL, MariaDB/MySQL, SQLite, H2
                .files(media)                           // and the uploaded files
                .build();

        BackupResult backup = engine.backup(BackupType.FULL);          // database + files in one backup
        System.out.println("backup " + backup.id() + ": " + backup.manifest().database().orElseThrow().totalRows() + " rows");

        engine.restore(RestoreRequest.of(backup.id()));                // verifies, takes a safety backup, restores
        // README:database:end

        execute(dataSource, "DELETE FROM orders WHERE id = 2");
        Files.delete(media.resolve("products/lamp.jpg"));
        engine.restore(RestoreRequest.of(backup.id()));
        System.out.println("restored: " + count(dataSource) + " orders, lamp.jpg "
                + (Files.exists(media.resolve("products/lamp.jpg")) ? "back" : "missing"));
        engine.close();
        return backup;
    }

    private static void execute(SQLiteDataSource dataSource, String... statements) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.executeUpdate(sql);
            }
        }
    }

    static long count(SQLiteDataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
