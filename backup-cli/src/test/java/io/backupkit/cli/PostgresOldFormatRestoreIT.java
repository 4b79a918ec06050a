package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.testkit.db.DatabaseServers;
import io.backupkit.testkit.db.Postgres15;
import io.backupkit.testkit.db.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL backup made by the previous schema model format (format 1, kept in test resources, see its README)
 * restores with today's code: types, view, index, keys, sequences.
 */
@ExtendWith(DatabaseServers.class)
class PostgresOldFormatRestoreIT {
    private static final String ID = "20261202T160254Z-database-4735";

    @TempDir
    Path work;

    @Test
    void aPostgresBackupOfSchemaModelFormat1Restores(@Postgres15 TestDatabase target) throws Exception {
        OldFormatRestoreIT.copyFixture("postgres-format1", work);
        Cli cli = new Cli(work).env("BACKUPKIT_DB_PASSWORD", target.password());

        cli.ok("restore", ID, "--storage", "file:./backups", "--db", target.jdbcUrl(), "--db-user", target.user(),
                "--force");

        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            assertThat(OldFormatRestoreIT.rows(st, "SELECT email, total::text FROM paid_orders ORDER BY id"))
                    .containsExactly("a@example.org|12.50", "b@example.org|99.99");
            assertThat(OldFormatRestoreIT.rows(st, "SELECT status::text, note FROM orders ORDER BY id"))
                    .containsExactly("paid|first", "new|null", "shipped|größer");
            assertThat(OldFormatRestoreIT.rows(st, "SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder),"
                    + " (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'positive_amount_check')"
                    + " FROM pg_enum e WHERE e.enumtypid = 'order_status'::regtype"))
                    .containsExactly("new,paid,shipped|CHECK ((VALUE > (0)::numeric))");
            assertThat(OldFormatRestoreIT.rows(st, "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = 'orders_customer'"))
                    .containsExactly("orders_customer|CREATE INDEX orders_customer ON public.orders USING btree"
                            + " (customer_id, status)");
            // the counters go on past the restored rows; the foreign key holds
            st.execute("INSERT INTO customers (email) VALUES ('d@example.org')");
            st.execute("INSERT INTO orders (customer_id, total) VALUES (1, 1)");
            assertThat(OldFormatRestoreIT.rows(st, "SELECT (SELECT max(id) FROM customers)::text, (SELECT max(id) FROM orders)::text"))
                    .containsExactly("4|4");
            assertThat(OldFormatRestoreIT.rows(st, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"))
                    .containsExactly("orders_customer_id_fkey|FOREIGN KEY (customer_id) REFERENCES customers(id)");
        }
    }
}
