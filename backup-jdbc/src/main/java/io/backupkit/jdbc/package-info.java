/**
 * Database dumpers over JDBC: {@link io.backupkit.jdbc.postgres.PostgresDumper}, {@link io.backupkit.jdbc.mariadb.MariaDbDumper}
 * (MariaDB and MySQL), {@link io.backupkit.jdbc.sqlite.SqliteDumper}, {@link io.backupkit.jdbc.h2.H2Dumper} and the
 * {@link io.backupkit.jdbc.GenericJdbcDumper} fallback. Each has a {@link io.backupkit.api.spi.DatabaseDumperFactory}
 * registered for {@link java.util.ServiceLoader}; the engine picks the highest priority factory supporting the
 * product JDBC metadata names (the generic one has priority -100), or the one a backup's manifest names.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>One snapshot.</b> Every table of a dump is read in one consistent view: PostgreSQL workers import an
 *       exported snapshot; MariaDB/MySQL workers start {@code WITH CONSISTENT SNAPSHOT} transactions while
 *       {@code FLUSH TABLES WITH READ LOCK} holds writers for an instant (one connection without that privilege);
 *       SQLite uses one read transaction; H2 one connection in SNAPSHOT isolation; the generic dumper the strongest
 *       isolation the driver offers.</li>
 *   <li><b>Streaming, bounded memory.</b> Result sets are fetched with a size bounded in bytes
 *       ({@link io.backupkit.jdbc.JdbcDumperOptions}); large objects are streamed from {@code Blob}s and written
 *       length-prefixed; restore holds one batch (bounded in rows and bytes) plus at most the largest single value.
 *       A memory-bound test restores six 50 MB blobs in a 256 MB heap.</li>
 *   <li><b>Neutral schema model</b> ({@code schema.json}) with native type names, so same-engine DDL is exact, and
 *       JDBC and codec types, so a restore can check a target before touching it. Anything not captured is
 *       listed by name in the dump's warnings.</li>
 *   <li><b>Restore</b>: all checks first (engine, tables, types the target can hold, keys for MERGE); then tables
 *       (REPLACE), data in foreign-key order, unique keys and indexes, foreign keys (so cycles and self-references
 *       need no special order), views, and counters past every restored value. SQLite and PostgreSQL restore in
 *       one transaction; other engines commit per batch and rely on the engine's safety backup to roll back.
 *       A failing row is reported by table, row number and key.</li>
 *   <li><b>Formats</b>: docs/DATABASE-FORMAT.md describes {@code schema.json} and the row format of the
 *       non-PostgreSQL engines, so a backup is readable without this library.</li>
 * </ul>
 * The host application brings its JDBC driver; this module depends on backup-api, slf4j-api and jackson-databind
 * (for {@code schema.json}) only, with pgjdbc optional for the PostgreSQL dumper's COPY.
 */
package io.backupkit.jdbc;
