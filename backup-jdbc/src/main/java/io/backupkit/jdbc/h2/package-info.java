/**
 * H2: {@link io.backupkit.jdbc.h2.H2Dumper}; its dialect and the {@code SCRIPT} reader are package-private.
 */
package io.backupkit.jdbc.h2;
