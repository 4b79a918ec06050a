package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.DumpException;
import io.backupkit.api.Manifest;
import io.backupkit.testkit.InMemoryStorageProvider;
import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real PostgreSQL dumper through the engine with an object it cannot capture (a text search configuration):
 * the backup fails naming it and leaves nothing; with {@code allowIncomplete(true)} the manifest lists it.
 */
@ExtendWith(DatabaseServers.class)
class PostgresIncompleteBackupTest {
    private static final String NOT_CAPTURED = "text search configuration app.english_simple";

    private static BackupEngine engine(TestDatabase db, InMemoryStorageProvider storage) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA app");
            st.execute("CREATE TABLE app.docs (id int PRIMARY KEY, body text)");
            st.execute("INSERT INTO app.docs VALUES (1, 'hello')");
            st.execute("CREATE TEXT SEARCH CONFIGURATION app.english_simple (COPY = pg_catalog.simple)");
        }
        return BackupKit.builder().storage(storage).dataSource(db.dataSource()).build();
    }

    @Test
    void aBackupWithAnObjectTheDumperCannotCaptureFailsNamingIt(@Postgres15 TestDatabase db) throws Exception {
        InMemoryStorageProvider storage = new InMemoryStorageProvider();
        BackupEngine engine = engine(db, storage);

        assertThatThrownBy(() -> engine.backup(BackupType.DATABASE))
                .isInstanceOf(DumpException.class)
                .hasMessageContaining(NOT_CAPTURED)
                .hasMessageContaining("allowIncomplete(true)");
        assertThat(engine.list()).isEmpty();
    }

    @Test
    void withAllowIncompleteTheManifestListsIt(@Postgres15 TestDatabase db) throws Exception {
        BackupEngine engine = engine(db, new InMemoryStorageProvider());

        BackupResult result = engine.backup(BackupRequest.builder(BackupType.DATABASE).allowIncomplete(true).build());

        Manifest stored = engine.find(result.id()).orElseThrow();
        assertThat(stored.incomplete()).isTrue();
        assertThat(stored.database().orElseThrow().notCaptured()).anyMatch(e -> e.startsWith(NOT_CAPTURED));
        assertThat(stored.database().orElseThrow().tables()).anyMatch(t -> t.name().equals("docs") && t.rows() == 1);
    }
}
