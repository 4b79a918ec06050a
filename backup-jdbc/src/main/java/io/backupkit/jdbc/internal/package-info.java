/**
 * Internals shared by the JDBC dumpers; not API.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>{@link io.backupkit.jdbc.internal.SchemaModel}: the neutral schema model, stored as {@code schema.json}
 *       ({@link io.backupkit.jdbc.internal.SchemaJson}, Jackson mapping record components only). Native type names are
 *       kept verbatim, so DDL on the same engine is exact; the JDBC type and {@link io.backupkit.jdbc.internal.ValueType}
 *       let restore pre-check a target without touching it.</li>
 *   <li>{@link io.backupkit.jdbc.internal.Dialect}: everything engine-specific (quoting — identifiers are always
 *       quoted, so reserved words and mixed case survive —, schema reading hooks, value reading/binding, DDL, upsert,
 *       foreign-key switches, counters). Stateless.</li>
 *   <li>{@link io.backupkit.jdbc.internal.AbstractJdbcDumper}: the pipeline (snapshot, selection with exact-name
 *       check, schema, parallel table workers, warnings; restore planning with every check before the first change,
 *       FK-safe order from {@link io.backupkit.jdbc.internal.TableOrder}, FKs after the load so cycles and
 *       self-references need no special order, counters reset last). The PostgreSQL dumper overrides the data steps
 *       with COPY.</li>
 *   <li>{@link io.backupkit.jdbc.internal.RowWriter}/{@link io.backupkit.jdbc.internal.RowReader}: the streamed,
 *       typed, binary-safe row format of the non-PostgreSQL engines, one object per table (docs/FORMAT.md).</li>
 * </ul>
 */
package io.backupkit.jdbc.internal;
