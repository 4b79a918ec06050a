package io.backupkit.jdbc.postgres;

import io.backupkit.testkit.db.DirectoryBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import io.backupkit.testkit.db.DatabaseServers;

/** The pg_dump / pg_restore dumper against a real PostgreSQL 15 with password authentication. */
@ExtendWith(DatabaseServers.class)
class PgDumpDumperTest {
    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    @TempDir
    Path tmp;
    private Path wrappers;

    /** pg_dump / pg_restore behind wrappers that record the command line and environment the tool really got. */
    @BeforeEach
    void wrapTools() throws Exception {
        if (!Files.isExecutable(PG_BIN.resolve("pg_dump"))) {
            String message = "pg_dump is not installed: install the Debian package 'postgresql-client'";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + " (CI=true: a missing tool fails the build)");
            }
            Assumptions.abort(message);
        }
        wrappers = Files.createDirectory(tmp.resolve("bin"));
        for (String tool : List.of("pg_dump", "pg_restore")) {
            Path script = wrappers.resolve(tool);
            Files.writeString(script, "#!/bin/sh\n"
                    + "tr '\\000' ' ' < /proc/$$/cmdline > \"$(dirname \"$0\")/" + tool + ".cmdline\"\n"
                    + "env > \"$(dirname \"$0\")/" + tool + ".env\"\n"
                    + "exec " + PG_BIN.resolve(tool) + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void roundTripsEverythingAndThePasswordNeverReachesTheCommandLine(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        PostgresDumperTest.execute(source.dataSource(),
                "CREATE TABLE orders (id serial PRIMARY KEY, total numeric(12, 2), note text)",
                "CREATE FUNCTION double_it(n numeric) RETURNS numeric LANGUAGE sql AS 'SELECT n * 2'",
                "CREATE FUNCTION fill_note() RETURNS trigger LANGUAGE plpgsql AS"
                        + " 'BEGIN NEW.note := coalesce(NEW.note, ''auto''); RETURN NEW; END'",
                "CREATE TRIGGER orders_note BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fill_note()",
                "INSERT INTO orders (total, note) SELECT g * 1.5, CASE WHEN g % 2 = 0 THEN 'even' END"
                        + " FROM generate_series(1, 500) g");
        PgDumpDumper dumper = PgDumpDumper.builder().binDirectory(wrappers).password(source.password()).build();
        DirectoryBackup backup = new DirectoryBackup(tmp.resolve("backup"));
        DumpSummary summary = backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        assertThat(summary.tables()).extracting(t -> t.qualifiedName() + "=" + t.rows())
                .containsExactly("public.orders=500");
        assertThat(summary.warnings()).isEmpty(); // pg_dump keeps functions and triggers

        backup.restore(PgDumpDumper.builder().binDirectory(wrappers).password(target.password()).build(),
                target.dataSource(), RestoreMode.REPLACE);

        String rows = "SELECT id, total, note FROM orders ORDER BY id";
        assertThat(PostgresDumperTest.query(target, rows)).isEqualTo(PostgresDumperTest.query(source, rows));
        PostgresDumperTest.execute(target.dataSource(), "INSERT INTO orders (total) VALUES (1)");
        assertThat(PostgresDumperTest.query(target, "SELECT id, note, double_it(total) FROM orders WHERE id > 500"))
                .containsExactly("501|auto|2.00");

        for (String tool : List.of("pg_dump", "pg_restore")) {
            String cmdline = Files.readString(wrappers.resolve(tool + ".cmdline"));
            String env = Files.readString(wrappers.resolve(tool + ".env"));
            assertThat(cmdline).contains("--no-password", "--host=127.0.0.1")
                    .doesNotContain(source.password()).doesNotContain(target.password());
            assertThat(env).contains("PGPASSFILE=").doesNotContain("PGPASSWORD")
                    .doesNotContain(source.password()).doesNotContain(target.password());
            String passfile = env.lines().filter(l -> l.startsWith("PGPASSFILE=")).findFirst().orElseThrow()
                    .substring("PGPASSFILE=".length());
            assertThat(Path.of(passfile)).as("password file deleted after " + tool).doesNotExist();
        }
    }

    @Test
    void aFailingToolReportsItsExitCodeAndMessageWithoutThePassword(@Postgres15 TestDatabase source) {
        PgDumpDumper dumper = PgDumpDumper.builder().binDirectory(wrappers).password("wrong-password").build();
        assertThatThrownBy(() -> new DirectoryBackup(tmp.resolve("b")).dump(dumper, source.dataSource(),
                TableSelection.ALL, 1))
                .isInstanceOf(BackupException.class)
                .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.DUMP))
                .hasMessageContaining("pg_dump failed with exit code 1")
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("wrong-password");
    }

    @Test
    void onlyReplaceIsOfferedAndNothingChangesOtherwise(@Postgres15 TestDatabase source,
            @Postgres15 TestDatabase target) throws Exception {
        PostgresDumperTest.execute(source.dataSource(), "CREATE TABLE t (id int PRIMARY KEY)",
                "INSERT INTO t VALUES (1)");
        PgDumpDumper dumper = PgDumpDumper.builder().binDirectory(wrappers).password(source.password()).build();
        DirectoryBackup backup = new DirectoryBackup(tmp.resolve("backup"));
        backup.dump(dumper, source.dataSource(), TableSelection.ALL, 1);
        assertThatThrownBy(() -> backup.restore(dumper, target.dataSource(), RestoreMode.MERGE))
                .isInstanceOf(UnsupportedBackupException.class).hasMessageContaining("REPLACE only");
        assertThatThrownBy(() -> backup.restore(dumper, target.dataSource(), RestoreMode.REPLACE, TableSelection.ALL,
                Map.of("public", "other"), 1)).isInstanceOf(UnsupportedBackupException.class);
        assertThat(PostgresDumperTest.query(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .containsExactly("0");
    }
}
