/**
 * SQLite: {@link io.backupkit.jdbc.sqlite.SqliteDumper}; its dialect is package-private.
 */
package io.backupkit.jdbc.sqlite;
