package io.backupkit.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The record of one complete backup, stored as {@code backups/<id>/manifest.json} and written last: its
 * presence is what makes a backup exist. Lists every stored object with its size and SHA-256, the
 * database tables with their row counts, and the media files (through a checksummed file index).
 * See docs/FORMAT.md for the JSON layout.
 *
 * @param format     format version of the manifest; this library writes {@link #CURRENT_FORMAT}
 * @param id         the backup's id
 * @param type       what the backup contains
 * @param name       human name given by the caller (sanitised), may be empty
 * @param notes      free text given by the caller, may be empty
 * @param tags       labels for filtering
 * @param createdAt  when the backup started
 * @param finishedAt when the last object was written
 * @param source     where the backup was taken
 * @param objects    every stored object except the manifest itself
 * @param database   the database part, if the backup has one
 * @param files      the media files part, if the backup has one
 * @param warnings   things the backup could not capture (e.g. database functions), never empty silently
 */
public record Manifest(int format, BackupId id, BackupType type, String name, String notes, Set<String> tags,
                       Instant createdAt, Instant finishedAt, SourceInfo source, List<StoredObject> objects,
                       Optional<DatabasePart> database, Optional<FilesPart> files, List<String> warnings) {

    /** The manifest format version this library writes. */
    public static final int CURRENT_FORMAT = 1;

    public Manifest {
        if (format < 1) {
            throw new IllegalArgumentException("manifest format must be >= 1, was " + format);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
        notes = notes == null ? "" : notes;
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(source, "source");
        objects = List.copyOf(objects);
        database = database == null ? Optional.empty() : database;
        files = files == null ? Optional.empty() : files;
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** Total bytes this backup occupies in storage (sum of stored object sizes, manifest excluded). */
    /** Whether this backup lacks objects of its database (taken with {@link BackupRequest#allowIncomplete()}). */
    public boolean incomplete() {
        return database.map(d -> !d.capturedEverything()).orElse(false);
    }

    public long storedBytes() {
        return objects.stream().mapToLong(StoredObject::storedSize).sum();
    }

    /** Total uncompressed bytes of the stored objects. */
    public long contentBytes() {
        return objects.stream().mapToLong(StoredObject::size).sum();
    }

    /** The stored object at this path (relative to the backup folder). */
    public Optional<StoredObject> object(String path) {
        return objects.stream().filter(o -> o.path().equals(path)).findFirst();
    }

    /** Where and by what a backup was taken. Never contains credentials. */
    public record SourceInfo(String hostname, String backupkitVersion) {
        public SourceInfo {
            hostname = hostname == null ? "" : hostname;
            backupkitVersion = backupkitVersion == null ? "" : backupkitVersion;
        }
    }

    /**
     * One stored object of a backup.
     *
     * @param path         path relative to the backup folder, e.g. {@code db/public.users.copy.zst}
     * @param kind         what the object holds
     * @param size         uncompressed content size in bytes
     * @param sha256       lower-case hex SHA-256 of the uncompressed content
     * @param storedSize   size in storage, after compression
     * @param storedSha256 lower-case hex SHA-256 of the stored bytes
     * @param compression  codec and level the object was written with
     */
    public record StoredObject(String path, ObjectKind kind, long size, String sha256, long storedSize,
                               String storedSha256, Compression compression) {
        public StoredObject {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(compression, "compression");
            if (size < 0 || storedSize < 0) {
                throw new IllegalArgumentException("negative size for object " + path);
            }
            checkSha(sha256, path);
            checkSha(storedSha256, path);
        }

        private static void checkSha(String sha, String path) {
            if (sha == null || !sha.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("object " + path + " has no valid lower-case hex SHA-256: " + sha);
            }
        }
    }

    /** What a stored object holds. */
    public enum ObjectKind {
        /** Database schema model. */
        SCHEMA,
        /** Rows of one table (or one part of a table). */
        TABLE_DATA,
        /** A database dump in another dumper-specific form (e.g. pg_dump custom format). */
        DATABASE_DUMP,
        /** A tar archive of media files. */
        FILES_ARCHIVE,
        /** The index of media files: one JSON line per file. */
        FILES_INDEX,
        /** Anything else a dumper stores. */
        OTHER
    }

    /**
     * The database part of a backup.
     *
     * @param dumper   name of the dumper that wrote it, e.g. {@code postgresql}; selects the restorer
     * @param product  database product name and version, e.g. {@code PostgreSQL 15.18}
     * @param url      JDBC URL without credentials
     * @param tables   every table with its row count, in dump order
     * @param metadata dumper-specific facts needed for restore (e.g. server encoding)
     * @param notCaptured   objects of the database this backup lacks; non-empty only for a backup taken with
     *                      {@link BackupRequest#allowIncomplete()}: such a backup is INCOMPLETE
     * @param outsideBackup server-level objects (roles, tablespaces, ...) the database references, which are not
     *                      part of any database backup and must exist in the target server
     */
    public record DatabasePart(String dumper, String product, String url, List<TableEntry> tables,
                               java.util.Map<String, String> metadata, List<String> notCaptured,
                               List<String> outsideBackup) {
        public DatabasePart {
            Objects.requireNonNull(dumper, "dumper");
            product = product == null ? "" : product;
            url = url == null ? "" : url;
            tables = List.copyOf(tables);
            metadata = metadata == null ? java.util.Map.of() : java.util.Map.copyOf(metadata);
            notCaptured = notCaptured == null ? List.of() : List.copyOf(notCaptured);
            outsideBackup = outsideBackup == null ? List.of() : List.copyOf(outsideBackup);
        }

        /** A database part that captured everything and references no server-level object. */
        public DatabasePart(String dumper, String product, String url, List<TableEntry> tables,
                            java.util.Map<String, String> metadata) {
            this(dumper, product, url, tables, metadata, List.of(), List.of());
        }

        /** Whether the dump captured every object of the database (false: the backup is INCOMPLETE). */
        public boolean capturedEverything() {
            return notCaptured.isEmpty();
        }

        /** Sum of the tables' row counts. */
        public long totalRows() {
            return tables.stream().mapToLong(TableEntry::rows).sum();
        }
    }

    /**
     * One table in a database backup.
     *
     * @param schema  schema (or database) name; empty where the engine has none
     * @param name    table name
     * @param rows    number of rows dumped
     * @param objects paths of the objects holding its rows
     */
    public record TableEntry(String schema, String name, long rows, List<String> objects) {
        public TableEntry {
            schema = schema == null ? "" : schema;
            Objects.requireNonNull(name, "name");
            if (rows < 0) {
                throw new IllegalArgumentException("negative row count for table " + name);
            }
            objects = List.copyOf(objects);
        }

        /** {@code schema.name}, or just {@code name} without a schema. */
        public String qualifiedName() {
            return schema.isEmpty() ? name : schema + "." + name;
        }
    }

    /**
     * The media files part of a backup.
     *
     * @param roots   the root directories, in archive order
     * @param archive path of the tar archive object
     * @param index   path of the file index object (one JSON line per file with size, mtime, mode, SHA-256)
     */
    public record FilesPart(List<FileRoot> roots, String archive, String index) {
        public FilesPart {
            roots = List.copyOf(roots);
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(index, "index");
        }

        public long fileCount() {
            return roots.stream().mapToLong(FileRoot::files).sum();
        }

        public long totalBytes() {
            return roots.stream().mapToLong(FileRoot::bytes).sum();
        }
    }

    /**
     * One root directory of a files backup.
     *
     * @param name         its top-level folder name in the archive
     * @param originalPath the absolute directory it was read from
     * @param files        regular files and symbolic links recorded (directories are not counted; backups made
     *                     before 0.1 counted them too)
     * @param bytes        total size of the regular files
     */
    public record FileRoot(String name, String originalPath, long files, long bytes) {
        public FileRoot {
            Objects.requireNonNull(name, "name");
            originalPath = originalPath == null ? "" : originalPath;
        }
    }
}
