package io.backupkit.jdbc.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.Manifest;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.backupkit.testkit.db.DatabaseServers;

/** Parallel dump workers share one snapshot: changes committed while the dump runs are in no table. */
@ExtendWith(DatabaseServers.class)
class PostgresSnapshotTest {

    @Test
    void workersDumpTheDatabaseAsItWasWhenTheDumpStartedLargestTableFirst(@Postgres15 TestDatabase db)
            throws Exception {
        PostgresDumperTest.execute(db.dataSource(),
                "CREATE TABLE big (id int PRIMARY KEY, v text)",
                "INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g",
                "CREATE TABLE small_a (id int PRIMARY KEY)", "INSERT INTO small_a SELECT generate_series(1, 10)",
                "CREATE TABLE small_b (id int PRIMARY KEY)", "INSERT INTO small_b SELECT generate_series(1, 10)");
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<String> otherSessions = new ArrayList<>();
        AtomicBoolean changed = new AtomicBoolean();
        DumpContext ctx = new DumpContext() {
            @Override
            public DataSource dataSource() {
                return db.dataSource();
            }

            @Override
            public TableSelection tables() {
                return TableSelection.ALL;
            }

            @Override
            public int parallelism() {
                return 3;
            }

            @Override
            public OutputStream createObject(String name, Manifest.ObjectKind kind) {
                if (kind == Manifest.ObjectKind.TABLE_DATA) {
                    order.add(name);
                    if (changed.compareAndSet(false, true)) {
                        try { // committed by another session after the snapshot was taken and shared
                            otherSessions.addAll(PostgresDumperTest.query(db, "SELECT count(*) FROM pg_stat_activity"
                                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()"));
                            PostgresDumperTest.execute(db.dataSource(),
                                    "INSERT INTO small_a SELECT generate_series(11, 20)", "DELETE FROM small_b",
                                    "DELETE FROM big WHERE id > 100");
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                return new ByteArrayOutputStream(); // contents not under test here
            }

            @Override
            public String objectPath(String name) {
                return "db/" + name;
            }

            @Override
            public void addRows(long rows) {
            }

            @Override
            public void tableDone(String qualifiedName) {
            }

            @Override
            public void checkCancelled() {
            }
        };
        DumpSummary summary = PostgresDumper.create().dump(ctx);

        assertThat(otherSessions).containsExactly("3"); // the exporting connection and two importing workers
        assertThat(order.get(0)).isEqualTo("public.big.copy");
        assertThat(summary.tables()).extracting(t -> t.name() + "=" + t.rows())
                .containsExactlyInAnyOrder("big=50000", "small_a=10", "small_b=10");
    }
}
