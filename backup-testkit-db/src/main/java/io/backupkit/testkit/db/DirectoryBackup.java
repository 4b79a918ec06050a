package io.backupkit.testkit.db;

import io.backupkit.api.CancelledException;
import io.backupkit.api.Compression;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.MergeConflictPolicy;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.TableSelection;
import io.backupkit.api.internal.CountingDigestOutputStream;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.api.spi.StorageKeys;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A stand-in for the engine in backup-core: drives a {@link DatabaseDumper} through real {@link DumpContext} and
 * {@link RestoreContext} implementations that keep the objects as files in a directory (streamed, never in memory),
 * record size and SHA-256 of each like the engine does, and verify both again while restore reads them.
 * Reusable by every dumper's tests; the round-trip, fidelity and restore-modes contracts back up and restore with it.
 */
public final class DirectoryBackup {
    private final Path dir;
    private final Map<String, Manifest.StoredObject> objects = new ConcurrentHashMap<>();
    private final AtomicLong rowsReported = new AtomicLong();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Consumer<String> onObjectCreated = name -> { };
    private volatile Consumer<String> onObjectOpened = name -> { };
    private final Map<String, String> recoveryData = new ConcurrentHashMap<>();
    private String dumperName;
    private DumpSummary summary;

    public DirectoryBackup(Path dir) {
        this.dir = dir;
    }

    /** Backs up through the dumper; the summary is kept for restores. */
    public DumpSummary dump(DatabaseDumper dumper, DataSource source, TableSelection tables, int parallelism) {
        dumperName = dumper.name();
        summary = dumper.dump(new Dump(source, tables, parallelism));
        return summary;
    }

    public DumpSummary summary() {
        return summary;
    }

    /** The database part of the manifest the engine would write. */
    public Manifest.DatabasePart databasePart() {
        if (summary == null) {
            throw new IllegalStateException("dump first");
        }
        return new Manifest.DatabasePart(dumperName, summary.product(), summary.url(), summary.tables(), summary.metadata(),
                summary.notCaptured(), summary.outsideBackup());
    }

    public Map<String, Manifest.StoredObject> objects() {
        return Map.copyOf(objects);
    }

    public Path file(String objectPath) {
        return dir.resolve(objectPath);
    }

    /** Rows the dumper reported through {@code addRows} (dump and restore). */
    public long rowsReported() {
        return rowsReported.get();
    }

    /** Runs before each object of a dump is opened (tests use it to write to the database mid-dump). */
    public void onObjectCreated(Consumer<String> hook) {
        this.onObjectCreated = hook;
    }

    /**
     * Runs before a restore opens an object of the backup (tests use it to fail or kill a restore half-way); what it
     * throws reaches the dumper as the object's read failure.
     */
    public void onObjectOpened(Consumer<String> hook) {
        this.onObjectOpened = hook;
    }

    /** What the restores recorded through {@code RestoreContext.recordRecoveryData}, as the engine would keep it. */
    public Map<String, String> recoveryData() {
        return Map.copyOf(recoveryData);
    }

    /** Makes the next {@code checkCancelled} throw. */
    public void cancel() {
        cancelled.set(true);
    }

    public List<RestoreResult.TableChange> restore(DatabaseDumper dumper, DataSource target, RestoreMode mode,
                                                   TableSelection tables, Map<String, String> schemaMapping, int parallelism) {
        return dumper.restore(new Restore(target, mode, tables, schemaMapping, parallelism, MergeConflictPolicy.FAIL));
    }

    /** A MERGE of every table with the given conflict policy. */
    public List<RestoreResult.TableChange> merge(DatabaseDumper dumper, DataSource target, MergeConflictPolicy conflicts) {
        return dumper.restore(new Restore(target, RestoreMode.MERGE, TableSelection.ALL, Map.of(), 1, conflicts));
    }

    public List<RestoreResult.TableChange> restore(DatabaseDumper dumper, DataSource target, RestoreMode mode) {
        return restore(dumper, target, mode, TableSelection.ALL, Map.of(), 1);
    }

    public List<RestoreResult.TableChange> preview(DatabaseDumper dumper, DataSource target, RestoreMode mode,
                                                   TableSelection tables, Map<String, String> schemaMapping) {
        return dumper.preview(new Restore(target, mode, tables, schemaMapping, 1, MergeConflictPolicy.FAIL));
    }

    private void checkCancelled() {
        if (cancelled.get()) {
            throw new CancelledException("cancelled by the test");
        }
    }

    /** What a test asks of a dump or a restore: the database, its tables and the parallelism. */
    private record Request(DataSource dataSource, TableSelection tables, int parallelism) {
    }

    /** What a dump and a restore share: the request, rows reported and cancellation. */
    private abstract class Context {
        private final Request request;

        Context(DataSource ds, TableSelection tables, int parallelism) {
            this.request = new Request(ds, tables, parallelism);
        }

        public DataSource dataSource() {
            return request.dataSource();
        }

        public TableSelection tables() {
            return request.tables();
        }

        public int parallelism() {
            return request.parallelism();
        }

        public void addRows(long rows) {
            rowsReported.addAndGet(rows);
        }

        public void tableDone(String qualifiedName) {
        }

        public void checkCancelled() {
            DirectoryBackup.this.checkCancelled();
        }
    }

    private final class Dump extends Context implements DumpContext {

        Dump(DataSource ds, TableSelection tables, int parallelism) {
            super(ds, tables, parallelism);
        }

        @Override
        public OutputStream createObject(String name, Manifest.ObjectKind kind) {
            StorageKeys.requireKey(objectPath(name));
            onObjectCreated.accept(name);
            String path = objectPath(name);
            if (objects.containsKey(path)) {
                throw new IllegalStateException("object " + path + " created twice");
            }
            try {
                Path file = dir.resolve(path);
                Files.createDirectories(file.getParent());
                return new CountingDigestOutputStream(Files.newOutputStream(file)) {
                    boolean closed;

                    @Override
                    public void close() throws IOException {
                        if (closed) {
                            return;
                        }
                        closed = true;
                        out.close();
                        String hex = sha256();
                        objects.put(path, new Manifest.StoredObject(path, kind, count(), hex, count(), hex,
                                Compression.NONE));
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String objectPath(String name) {
            return "db/" + name;
        }
    }

    private final class Restore extends Context implements RestoreContext {
        private final RestoreMode mode;
        private final Map<String, String> mapping;
        private final MergeConflictPolicy conflicts;

        Restore(DataSource ds, RestoreMode mode, TableSelection tables, Map<String, String> mapping, int parallelism,
                MergeConflictPolicy conflicts) {
            super(ds, tables, parallelism);
            this.mode = mode;
            this.mapping = mapping;
            this.conflicts = conflicts;
        }

        @Override
        public Manifest.DatabasePart database() {
            return databasePart();
        }

        @Override
        public RestoreMode mode() {
            return mode;
        }

        @Override
        public MergeConflictPolicy mergeConflicts() {
            return conflicts;
        }

        @Override
        public Map<String, String> schemaMapping() {
            return mapping;
        }

        @Override
        public InputStream openObject(String path) {
            Manifest.StoredObject meta = objects.get(path);
            if (meta == null) {
                throw new IllegalArgumentException("no object " + path + " in this backup");
            }
            onObjectOpened.accept(path);
            try {
                MessageDigest sha = CountingDigestOutputStream.newSha256();
                InputStream raw = Files.newInputStream(dir.resolve(path));
                return new FilterInputStream(raw) {
                    long size;
                    boolean checked;

                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b < 0) {
                            verify();
                        } else {
                            sha.update((byte) b);
                            size++;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n < 0) {
                            verify();
                        } else {
                            sha.update(b, off, n);
                            size += n;
                        }
                        return n;
                    }

                    private void verify() {
                        if (checked) {
                            return;
                        }
                        checked = true;
                        String hex = HexFormat.of().formatHex(sha.digest());
                        if (size != meta.size() || !hex.equals(meta.sha256())) {
                            throw new IntegrityException("object " + path + " does not match the manifest");
                        }
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void recordRecoveryData(String key, String value) {
            recoveryData.put(key, value);
        }
    }
}
