package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.DumpException;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.sqlite.SqliteDumper;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * A dump that could not capture some objects never looks like a complete backup: without
 * {@code allowIncomplete} the backup fails naming each object and leaves nothing in storage; with it the backup
 * succeeds and its manifest says what it lacks.
 */
class IncompleteBackupTest {
    @TempDir
    Path tmp;

    /** The real SQLite dumper, reporting two objects it "cannot capture" and one server-level object. */
    private static final class MissingObjectsDumper implements DatabaseDumper {
        private final SqliteDumper real = new SqliteDumper();

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public DumpSummary dump(DumpContext context) {
            DumpSummary s = real.dump(context);
            return new DumpSummary(s.product(), s.url(), s.tables(), s.metadata(), s.warnings(),
                    List.of("trigger main.t_audit", "function main.calc(integer)"), List.of("role app_reader (grants on main.items)"));
        }

        @Override
        public List<RestoreResult.TableChange> restore(RestoreContext context) {
            return real.restore(context);
        }

        @Override
        public List<RestoreResult.TableChange> preview(RestoreContext context) {
            return real.preview(context);
        }
    }

    private BackupEngine engine(InMemoryStorageProvider storage) throws Exception {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + tmp.resolve("app.db"));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT)");
            st.execute("INSERT INTO items (name) VALUES ('a'), ('b')");
        }
        return BackupKit.builder().storage(storage).dataSource(ds).dumper(new MissingObjectsDumper()).build();
    }

    @Test
    void aDumpThatMissesObjectsFailsTheBackupNamingEachAndLeavesNothing() throws Exception {
        InMemoryStorageProvider storage = new InMemoryStorageProvider();
        BackupEngine engine = engine(storage);

        assertThatThrownBy(() -> engine.backup(BackupType.DATABASE))
                .isInstanceOf(DumpException.class)
                .hasMessageContaining("trigger main.t_audit")
                .hasMessageContaining("function main.calc(integer)")
                .hasMessageContaining("allowIncomplete(true)")
                .hasMessageContaining("--allow-incomplete");
        assertThat(engine.list()).isEmpty();
        engine.cleanUpInterrupted();
        assertThat(storage.list("backups/").toList()).isEmpty();
    }

    @Test
    void allowIncompleteTakesTheBackupAndTheManifestSaysWhatItLacks() throws Exception {
        BackupEngine engine = engine(new InMemoryStorageProvider());

        BackupResult result = engine.backup(BackupRequest.builder(BackupType.DATABASE).allowIncomplete(true).build());

        Manifest stored = engine.find(result.id()).orElseThrow();
        assertThat(stored.incomplete()).isTrue();
        Manifest.DatabasePart db = stored.database().orElseThrow();
        assertThat(db.notCaptured()).containsExactly("trigger main.t_audit", "function main.calc(integer)");
        assertThat(db.outsideBackup()).containsExactly("role app_reader (grants on main.items)");
        assertThat(result.warnings()).anyMatch(w -> w.contains("INCOMPLETE") && w.contains("trigger main.t_audit"));
    }

    @Test
    void aCompleteDumpIsNotMarkedIncomplete() throws Exception {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + tmp.resolve("ok.db"));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        }
        BackupEngine engine = BackupKit.builder().storage(new InMemoryStorageProvider()).dataSource(ds).build();
        Manifest m = engine.backup(BackupType.DATABASE).manifest();
        assertThat(m.incomplete()).isFalse();
        assertThat(m.database().orElseThrow().notCaptured()).isEmpty();
    }
}
