/**
 * MariaDB and MySQL: {@link io.backupkit.jdbc.mariadb.MariaDbDumper} (JDBC) and
 * {@link io.backupkit.jdbc.mariadb.MariaDbDumpDumper} (the server's own {@code mariadb-dump}/{@code mariadb}).
 * The dialect and the routine/trigger/event reader are package-private.
 */
package io.backupkit.jdbc.mariadb;
