/**
 * PostgreSQL: {@link io.backupkit.jdbc.postgres.PostgresDumper} (JDBC, tables as {@code COPY} text, every schema
 * object from {@code pg_catalog}) and {@link io.backupkit.jdbc.postgres.PgDumpDumper} (the server's own
 * {@code pg_dump}/{@code pg_restore}). Everything else in this package is the dialect and its catalogue reader,
 * object restore and staged restore, package-private.
 */
package io.backupkit.jdbc.postgres;
