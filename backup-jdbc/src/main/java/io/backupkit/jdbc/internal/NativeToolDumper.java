package io.backupkit.jdbc.internal;

import io.backupkit.api.DumpException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreResult.TableChange;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the dumpers driving a database's own tools (pg_dump, mariadb-dump) share: the whole dump is one backup
 * object streamed from the tool's stdout, a restore streams it into the other tool's stdin, the credentials go
 * through a secret file deleted once the tool ended, and the manifest records every table (counted through JDBC)
 * as living in that one object. The engine-specific parts (command lines, secret file format, row counts) stay in
 * the dumpers.
 */
public abstract class NativeToolDumper implements DatabaseDumper {
    /** Manifest metadata key naming the dump's one object. */
    public static final String META_OBJECT = "object";
    /** Manifest metadata key describing the object's format. */
    public static final String META_FORMAT = "format";

    protected final NativeToolSettings tools;

    protected NativeToolDumper(NativeToolSettings tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    /** Runs the dump tool with its stdout into the new object {@code object}, then deletes {@code secret}. */
    protected final void dumpInto(DumpContext ctx, String object, List<String> command, Map<String, String> env,
                                  Path secret) throws IOException {
        try (OutputStream out = ctx.createObject(object, Manifest.ObjectKind.DATABASE_DUMP)) {
            NativeTool.run(command, env, null, out, tools.timeout(), ErrorCode.DUMP);
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    /** Runs the restore tool with the backup's object {@code path} on its stdin, then deletes {@code secret}. */
    protected final void restoreFrom(RestoreContext ctx, String path, List<String> command, Map<String, String> env,
                                     Path secret) throws IOException {
        try (InputStream in = ctx.openObject(path)) {
            NativeTool.run(command, env, in, null, tools.timeout(), ErrorCode.RESTORE);
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    /** The path of the backup's one object, as its manifest records it. */
    protected final String objectPath(RestoreContext ctx) {
        return Optional.ofNullable(ctx.database().metadata().get(META_OBJECT))
                .orElseThrow(() -> new UnsupportedBackupException("the backup names no " + name() + " object"));
    }

    /**
     * The summary of a dump written to {@code object}: every counted table points at it and its rows are added to
     * the progress; the metadata names the object and its format, then {@code extra}.
     */
    protected static DumpSummary summary(DumpContext ctx, Connection c, String product, String object,
                                         List<Manifest.TableEntry> counted, String format, Map<String, String> extra,
                                         List<String> warnings) throws SQLException {
        String path = ctx.objectPath(object);
        List<Manifest.TableEntry> entries = counted.stream()
                .map(t -> new Manifest.TableEntry(t.schema(), t.name(), t.rows(), List.of(path))).toList();
        entries.forEach(e -> ctx.addRows(e.rows()));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(META_OBJECT, path);
        metadata.put(META_FORMAT, format);
        metadata.putAll(extra);
        return new DumpSummary(product, JdbcSupport.redactUrl(c.getMetaData().getURL()), entries, metadata, warnings);
    }

    /**
     * The change a restore made to one table, counted after the tool ran; the table's rows are added to the
     * progress and the table is reported done as {@code doneName}.
     */
    protected static TableChange restored(RestoreContext ctx, String table, String doneName, long before, long after) {
        ctx.addRows(after);
        ctx.tableDone(doneName);
        return new TableChange(table, before, after);
    }

    /** A failed dump: reading the database ({@link SQLException}) or writing the object ({@link IOException}). */
    protected final DumpException dumpFailed(Exception e) {
        return new DumpException((e instanceof SQLException ? "reading the database for " + name() + " failed: "
                : "writing the " + name() + " output failed: ") + e.getMessage(), e);
    }

    /** A failed restore: checking the target ({@link SQLException}) or reading the object ({@link IOException}). */
    protected final RestoreException restoreFailed(Exception e) {
        return new RestoreException((e instanceof SQLException ? "checking the target database failed: "
                : "reading the " + name() + " object failed: ") + e.getMessage(), e);
    }
}
