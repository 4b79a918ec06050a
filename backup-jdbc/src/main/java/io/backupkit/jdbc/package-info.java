/**
 * Database dumpers over JDBC (design note in a later commit).
 */
package io.backupkit.jdbc;
