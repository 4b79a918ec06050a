package io.backupkit.api.spi;

import io.backupkit.api.Manifest;
import io.backupkit.api.TableSelection;
import java.io.OutputStream;
import javax.sql.DataSource;

/** What the engine gives a {@link DatabaseDumper} for one dump. Thread-safe: parallel workers may share it. */
public interface DumpContext {

    /** The database to read. */
    DataSource dataSource();

    /** Which tables to dump. Exact include names that match no table are an error the dumper reports. */
    TableSelection tables();

    /** How many worker connections the dumper may use (>= 1). */
    int parallelism();

    /**
     * Opens a new object of the backup. The bytes written are compressed, hashed and streamed to storage;
     * {@code close()} completes the object. Memory use is bounded; a storage failure surfaces as an
     * {@link java.io.IOException} from {@code write} or {@code close}.
     *
     * @param name a file name, unique within this dump, valid as a storage key segment (see
     *             {@link StorageKeys#encodeSegment}); the engine adds the compression extension
     * @param kind what the object holds
     * @return the stream; the object's path relative to the backup folder is {@link #objectPath(String)}
     */
    OutputStream createObject(String name, Manifest.ObjectKind kind);

    /** The path, relative to the backup folder, under which {@code createObject(name, ...)} stores the object. */
    String objectPath(String name);

    /** Reports rows dumped since the last call (for progress events). */
    void addRows(long rows);

    /** Reports that one table is fully dumped (for progress events). */
    void tableDone(String qualifiedName);

    /** Throws {@link io.backupkit.api.CancelledException} when the caller cancelled; call between batches. */
    void checkCancelled();
}
