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
 * @param warnings everything not captured, by name (e.g. {@code function public.calc_total(integer) not captured})
 */
public record DumpSummary(String product, String url, List<Manifest.TableEntry> tables, Map<String, String> metadata,
                          List<String> warnings) {
    public DumpSummary {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(url, "url");
        tables = List.copyOf(tables);
        metadata = Map.copyOf(metadata);
        warnings = List.copyOf(warnings);
    }
}
