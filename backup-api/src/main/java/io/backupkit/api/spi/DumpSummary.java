package io.backupkit.api.spi;

import io.backupkit.api.Manifest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link DatabaseDumper} reports after a dump; the engine turns it into the manifest's database part.
 *
 * @param product  product name and version, e.g. {@code PostgreSQL 15.18}
 * @param url      JDBC URL without user, password or other secrets
 * @param tables   every table dumped with its row count and objects
 * @param metadata dumper-specific facts needed for restore (encoding, server version number, ...)
 * @param warnings      things worth telling the user that do not make the backup incomplete
 * @param notCaptured   database objects the dumper could not capture, one entry each naming kind and object
 *                      (e.g. {@code event trigger ddl_audit: needs a superuser}); a non-empty list fails the backup
 *                      unless the request allows an INCOMPLETE backup ({@link io.backupkit.api.BackupRequest#allowIncomplete()})
 * @param outsideBackup server-level objects the database references but that belong to the server, not the database
 *                      (roles, tablespaces, server settings), with what references them; restored databases need them
 *                      to exist already
 */
public record DumpSummary(String product, String url, List<Manifest.TableEntry> tables, Map<String, String> metadata,
                          List<String> warnings, List<String> notCaptured, List<String> outsideBackup) {
    public DumpSummary {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(url, "url");
        tables = List.copyOf(tables);
        metadata = Map.copyOf(metadata);
        warnings = List.copyOf(warnings);
        notCaptured = notCaptured == null ? List.of() : List.copyOf(notCaptured);
        outsideBackup = outsideBackup == null ? List.of() : List.copyOf(outsideBackup);
    }

    /** A summary of a dump that captured everything and references no server-level object. */
    public DumpSummary(String product, String url, List<Manifest.TableEntry> tables, Map<String, String> metadata,
                       List<String> warnings) {
        this(product, url, tables, metadata, warnings, List.of(), List.of());
    }
}
