package io.backupkit.storage.local;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.StorageException;
import io.backupkit.api.internal.Require;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores objects as files under a root folder: key {@code backups/x/manifest.json} is the file
 * {@code <root>/backups/x/manifest.json}.
 *
 * <ul>
 *   <li><b>Atomic put:</b> the content goes to a temporary file in the target's folder whose name starts with
 *       {@code .} (a key segment never does, so listing skips it), is fsynced, renamed over the target in one
 *       atomic step, and the folder is fsynced. On any failure the temporary file is removed.</li>
 *   <li><b>Tidy delete:</b> deleting an object also removes the folders it leaves empty, up to the root, so a
 *       deleted backup leaves nothing behind. A put racing with such a delete creates its folders again.</li>
 *   <li><b>Leftovers of killed puts are removed by {@link #list}:</b> a process killed during a put (power loss,
 *       {@code kill -9}) cannot remove its temporary file, and since listing never shows it, an engine's clean-up
 *       of interrupted backups would never find it. So each temporary file is named after its writer
 *       ({@code .put-<host>-<pid>-<start>-<random>.tmp}) and {@code list}, as its walk passes a temporary file,
 *       <em>deletes</em> it when it is stale, then prunes the folders that leaves empty (never the root), and logs
 *       each removal at INFO. A temporary file is stale when it was written on this host, by this user, by a
 *       process that is no longer running (a process that now has the writer's id but started after the writer
 *       is another process); or, for a file of another host, another user or one whose name does not say who
 *       wrote it, when it was last modified longer ago than the grace period ({@link Builder#staleTempGrace},
 *       default {@link #DEFAULT_STALE_TEMP_GRACE 24 hours}). A put in progress, in this process or in any running
 *       one on this host, is never touched. The walk also removes empty folders it passes (left by a process killed
 *       between creating a folder and its file); a put that finds its folder gone creates it again.</li>
 *   <li><b>Private by default:</b> object files are created {@code rw-------} (0600) and folders {@code rwx------}
 *       (0700), so other local users cannot read backups; {@link Builder#filePermissions} and
 *       {@link Builder#folderPermissions} change that (the process umask can narrow it further). The root folder,
 *       when it already exists, is left as it is. Ignored on file systems without POSIX permissions.</li>
 *   <li>The root folder is created on first use. {@link #at(Path)} checks up front that it can be created and
 *       written, and fails with a {@link ConfigurationException} naming the path otherwise.</li>
 * </ul>
 * Files in the folder whose names are not valid keys (see {@link StorageKeys}) are ignored.
 */
public final class LocalStorageProvider implements StorageProvider {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStorageProvider.class);
    private static final int BUFFER_SIZE = 128 * 1024;
    /** Attempts to create a folder and a file in it while concurrent deletes remove empty folders. */
    private static final int CREATE_ATTEMPTS = 20;
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    /** How long a temporary file whose writer cannot be checked is kept after its last modification. */
    public static final Duration DEFAULT_STALE_TEMP_GRACE = Duration.ofHours(24);
    /** Mode of the object files this provider creates unless configured: {@code rw-------}. */
    public static final Set<PosixFilePermission> DEFAULT_FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    /** Mode of the folders this provider creates unless configured: {@code rwx------}. */
    public static final Set<PosixFilePermission> DEFAULT_FOLDER_PERMISSIONS = PosixFilePermissions.fromString("rwx------");

    private final Path root;
    private final Duration staleTempGrace;
    /** Empty where the file system has no POSIX permissions. */
    private final FileAttribute<?>[] fileAttributes;
    private final FileAttribute<?>[] folderAttributes;

    private LocalStorageProvider(Path root, Duration staleTempGrace, Set<PosixFilePermission> filePermissions,
                                 Set<PosixFilePermission> folderPermissions) {
        this.root = root;
        this.staleTempGrace = staleTempGrace;
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        this.fileAttributes = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(filePermissions)}
                : new FileAttribute<?>[0];
        this.folderAttributes = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(folderPermissions)}
                : new FileAttribute<?>[0];
    }

    /**
     * A storage in the folder {@code root} (made absolute against the working directory if relative). The folder
     * need not exist yet; it is created on first use.
     *
     * @throws ConfigurationException if the folder cannot be created or written, saying why and what to do
     */
    public static LocalStorageProvider at(Path root) {
        return builder(root).build();
    }

    /** A builder for a storage in the folder {@code root}, for settings other than the defaults of {@link #at(Path)}. */
    public static Builder builder(Path root) {
        return new Builder(Objects.requireNonNull(root, "root"));
    }

    /** Settings of a {@link LocalStorageProvider}. */
    public static final class Builder {
        private final Path root;
        private Duration staleTempGrace;
        private Set<PosixFilePermission> filePermissions;
        private Set<PosixFilePermission> folderPermissions;

        private Builder(Path root) {
            this.root = root;
        }

        /**
         * How long after its last modification {@link LocalStorageProvider#list} removes a temporary file whose
         * writer cannot be checked from here: written on another host sharing the folder, by another user, or by an
         * older version. Make it longer than the longest put can pause (default 24 hours): a file removed while its
         * put still runs makes that put fail.
         *
         * @throws IllegalArgumentException if {@code grace} is negative or zero
         * @throws IllegalStateException    if already set
         */
        public Builder staleTempGrace(Duration grace) {
            Objects.requireNonNull(grace, "staleTempGrace");
            Require.argument(!grace.isNegative() && !grace.isZero(), "staleTempGrace must be positive, was %s; it is how"
                    + " long a temporary file of another host is kept after its last change, e.g. Duration.ofHours(24)", grace);
            this.staleTempGrace = Require.once(this.staleTempGrace, grace, "staleTempGrace");
            return this;
        }

        /**
         * The mode of the object files the storage creates (default {@link LocalStorageProvider#DEFAULT_FILE_PERMISSIONS}, 0600), e.g.
         * {@code PosixFilePermissions.fromString("rw-r-----")} for a backup group.
         *
         * @throws IllegalArgumentException if the owner could not read and write the files
         * @throws IllegalStateException    if already set
         */
        public Builder filePermissions(Set<PosixFilePermission> permissions) {
            this.filePermissions = checkPermissions("filePermissions", this.filePermissions, permissions,
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            return this;
        }

        /**
         * The mode of the folders the storage creates (default {@link LocalStorageProvider#DEFAULT_FOLDER_PERMISSIONS}, 0700).
         *
         * @throws IllegalArgumentException if the owner could not list, enter and write the folders
         * @throws IllegalStateException    if already set
         */
        public Builder folderPermissions(Set<PosixFilePermission> permissions) {
            this.folderPermissions = checkPermissions("folderPermissions", this.folderPermissions, permissions,
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
            return this;
        }

        private static Set<PosixFilePermission> checkPermissions(String setting, Set<PosixFilePermission> current,
                                                                 Set<PosixFilePermission> wanted,
                                                                 Set<PosixFilePermission> ownerNeeds) {
            Objects.requireNonNull(wanted, setting);
            Require.argument(wanted.containsAll(ownerNeeds), "%s %s would lock the storage out of its own objects: the"
                    + " owner needs at least %s", setting, PosixFilePermissions.toString(wanted),
                    PosixFilePermissions.toString(ownerNeeds));
            Require.unset(current == null ? null : PosixFilePermissions.toString(current), setting);
            return Set.copyOf(wanted);
        }

        /**
         * The storage.
         *
         * @throws ConfigurationException if the folder cannot be created or written, saying why and what to do
         */
        public LocalStorageProvider build() {
            Path absolute = root.toAbsolutePath().normalize();
            checkUsable(absolute);
            return new LocalStorageProvider(absolute, staleTempGrace != null ? staleTempGrace : DEFAULT_STALE_TEMP_GRACE,
                    filePermissions != null ? filePermissions : DEFAULT_FILE_PERMISSIONS,
                    folderPermissions != null ? folderPermissions : DEFAULT_FOLDER_PERMISSIONS);
        }
    }

    /** The absolute root folder. */
    public Path root() {
        return root;
    }

    @Override
    public java.util.Optional<Path> localFolder() {
        return java.util.Optional.of(root);
    }

    @Override
    public String description() {
        String path = root.toString().replace('\\', '/');
        return "file:" + (path.startsWith("/") ? path : "/" + path);
    }

    @Override
    public String toString() {
        return "LocalStorageProvider[" + description() + "]";
    }

    // ------------------------------------------------------------------ put

    @Override
    public void put(String key, ContentSource source) {
        Path target = resolve(key);
        Objects.requireNonNull(source, "source");
        Path folder = target.getParent();
        List<Path> createdFolders = new ArrayList<>();
        Path temp = null;
        boolean stored = false;
        try {
            FileChannel channel;
            for (int attempt = 1; ; attempt++) {
                try {
                    createFolders(key, folder, createdFolders);
                    temp = folder.resolve(PutTempFiles.newName());
                    channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            fileAttributes);
                    break;
                } catch (NoSuchFileException e) {
                    // A concurrent delete removed a folder we just created because it was empty: create it again.
                    temp = null;
                    if (attempt >= CREATE_ATTEMPTS) {
                        throw e;
                    }
                }
            }
            long written;
            try (FileChannel out = channel) {
                written = copy(key, source, out);
                out.force(true);
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new StorageException("cannot store '" + key + "' at " + target + ": a folder of that name holds"
                        + " other objects (keys starting with '" + key + "/'); a key cannot be both an object and a"
                        + " folder in local storage", false);
            }
            move(temp, target);
            stored = true;
            syncFolder(folder);
            for (Path created : createdFolders) {
                syncFolder(created.getParent());
            }
            LOG.trace("stored {} ({} bytes) at {}", key, written, target);
        } catch (IOException e) {
            throw translate("store", key, target, e, source.length());
        } finally {
            if (!stored) {
                cleanUpFailedPut(key, temp, folder);
            }
        }
    }

    private long copy(String key, ContentSource source, FileChannel channel) throws IOException {
        OptionalLong declared = source.length();
        long written = 0;
        InputStream in;
        try {
            in = source.open();
        } catch (IOException e) {
            throw new StorageException("cannot store '" + key + "': opening its content failed: " + e.getMessage(), false, e);
        }
        try (in) {
            byte[] buffer = new byte[BUFFER_SIZE];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new StorageException("cannot store '" + key + "': reading its content failed after " + written
                            + " bytes: " + e.getMessage(), false, e);
                }
                if (n < 0) {
                    break;
                }
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    channel.write(wrapped);
                }
                written += n;
            }
        }
        if (declared.isPresent() && declared.getAsLong() != written) {
            throw new StorageException("cannot store '" + key + "': its content source declared " + declared.getAsLong()
                    + " bytes but gave " + written + "; nothing was stored", false);
        }
        return written;
    }

    private void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Same folder, so this only happens on unusual file systems; say so rather than fall back to a non-atomic copy.
            throw new StorageException("cannot store at " + target + ": the file system does not support atomic rename,"
                    + " which local storage needs to never expose a partial object; use another folder", false, e);
        }
    }

    /** Creates the missing folders from the root down to {@code folder}, recording those this call created. */
    private void createFolders(String key, Path folder, List<Path> created) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root, folderAttributes); // first use; never removed again, so no race with tidy deletes
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = folder; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
            if (p.equals(root)) {
                break;
            }
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, folderAttributes);
                created.add(p);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw new StorageException("cannot store '" + key + "': " + p + " is a file, so it cannot be a folder;"
                            + " a key cannot be both an object and a folder in local storage", false, e);
                }
            }
        }
    }

    private void cleanUpFailedPut(String key, Path temp, Path folder) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("could not remove the temporary file {} of the failed put of '{}'; it is never listed and can be"
                        + " deleted by hand", temp, key, e);
            }
        }
        removeEmptyFolders(folder);
    }

    private static void syncFolder(Path folder) throws IOException {
        if (WINDOWS) {
            return; // Windows cannot open a folder as a channel; NTFS journals the rename itself.
        }
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (NoSuchFileException e) {
            // A concurrent delete already removed the object and its emptied folder: nothing left to make durable.
        }
    }

    // ------------------------------------------------------------------ get / stat

    @Override
    public InputStream get(String key) {
        return open(key, ByteRange.from(0));
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        Objects.requireNonNull(range, "range");
        return open(key, range);
    }

    private InputStream open(String key, ByteRange range) {
        Path file = resolve(key);
        FileChannel channel;
        try {
            if (!Files.isRegularFile(file)) {
                throw new BlobNotFoundException(key);
            }
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            if (isMissing(e)) {
                throw new BlobNotFoundException(key, e);
            }
            throw translate("read", key, file, e, OptionalLong.empty());
        }
        try {
            long size = channel.size();
            if (range.offset() >= size || range.length().isPresent() && range.length().getAsLong() == 0) {
                channel.close();
                return InputStream.nullInputStream();
            }
            channel.position(range.offset());
            return range.slice(Channels.newInputStream(channel));
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw translate("read", key, file, e, OptionalLong.empty());
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        Path file = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new BlobInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (IOException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw translate("read", key, file, e, OptionalLong.empty());
        }
    }

    // ------------------------------------------------------------------ list

    @Override
    public Stream<BlobInfo> list(String prefix) {
        StorageKeys.requirePrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        String startKey = slash < 0 ? "" : prefix.substring(0, slash);
        Path start = startKey.isEmpty() ? root : root.resolve(startKey);
        Walker walker = new Walker(prefix, start, startKey);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(walker, Spliterator.NONNULL | Spliterator.DISTINCT), false)
                .onClose(walker::close);
    }

    /**
     * A lazy depth-first walk that holds one open directory per level. Folders that vanish while it runs (a
     * concurrent delete) are skipped, where {@link Files#walk} would fail.
     */
    private final class Walker implements Iterator<BlobInfo>, AutoCloseable {
        private final String prefix;
        private final Deque<Level> levels = new ArrayDeque<>();
        private BlobInfo next;

        Walker(String prefix, Path start, String startKey) {
            this.prefix = prefix;
            enter(start, startKey);
        }

        @Override
        public boolean hasNext() {
            while (next == null && !levels.isEmpty()) {
                Level level = levels.peek();
                if (!level.entries.hasNext()) {
                    levels.pop().close();
                    if (level.removed || !level.kept) {
                        // emptied by removing stale files (here or in a subfolder seen earlier), or left by a killed put
                        removeEmptyFolders(level.folder);
                    }
                    continue;
                }
                Path entry;
                try {
                    entry = level.entries.next();
                } catch (java.nio.file.DirectoryIteratorException e) {
                    throw translate("list", prefix, level.folder, e.getCause(), OptionalLong.empty());
                }
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    // temporary files of puts, and anything hidden: never listed
                    if (PutTempFiles.isTempName(name) && removeIfStale(entry, name)) {
                        level.removed = true;
                    } else {
                        level.kept = true;
                    }
                    continue;
                }
                level.kept = true;
                String key = level.key.isEmpty() ? name : level.key + "/" + name;
                if (!StorageKeys.isValidKey(key)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue; // deleted since the folder was read
                } catch (IOException e) {
                    throw translate("list", key, entry, e, OptionalLong.empty());
                }
                if (attributes.isDirectory()) {
                    String folderKey = key + "/";
                    if (folderKey.startsWith(prefix) || prefix.startsWith(folderKey)) {
                        enter(entry, key);
                    }
                } else if (attributes.isRegularFile() && key.startsWith(prefix)) {
                    next = new BlobInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant());
                }
            }
            return next != null;
        }

        @Override
        public BlobInfo next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            BlobInfo result = next;
            next = null;
            return result;
        }

        private void enter(Path folder, String key) {
            try {
                levels.push(new Level(folder, key, Files.newDirectoryStream(folder)));
            } catch (IOException e) {
                if (isMissing(e)) {
                    return; // nothing stored under this folder, or it vanished
                }
                throw translate("list", key.isEmpty() ? "(root)" : key, folder, e, OptionalLong.empty());
            }
        }

        @Override
        public void close() {
            StorageException failure = null;
            while (!levels.isEmpty()) {
                try {
                    levels.pop().close();
                } catch (StorageException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private final class Level {
        final Path folder;
        final String key;
        final java.nio.file.DirectoryStream<Path> stream;
        final Iterator<Path> entries;
        /** Whether an entry of the folder was seen and left in place: if not, the folder may be empty. */
        boolean kept;
        /** Whether a stale temporary file was removed from the folder, which may have left it empty. */
        boolean removed;

        Level(Path folder, String key, java.nio.file.DirectoryStream<Path> stream) {
            this.folder = folder;
            this.key = key;
            this.stream = stream;
            this.entries = stream.iterator();
        }

        void close() {
            try {
                stream.close();
            } catch (IOException e) {
                throw translate("list", key, folder, e, OptionalLong.empty());
            }
        }
    }

    /**
     * Deletes the temporary file of a put if that put can no longer finish (see the class comment), logging it.
     * Returns whether the file is gone. A failure to delete is logged: it must not fail the listing.
     */
    private boolean removeIfStale(Path file, String name) {
        Optional<String> reason;
        long size;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return false;
            }
            size = attributes.size();
            reason = PutTempFiles.staleReason(file, name, staleTempGrace, Instant.now());
        } catch (NoSuchFileException e) {
            return true; // its put finished (renamed it) or failed (removed it) meanwhile
        } catch (IOException e) {
            LOG.warn("could not check whether the temporary file {} is left over from an interrupted put; keeping it", file, e);
            return false;
        }
        if (reason.isEmpty()) {
            return false;
        }
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            LOG.warn("could not remove the temporary file {} left over from an interrupted put ({}); it is never listed"
                    + " and can be deleted by hand", file, reason.get(), e);
            return false;
        }
        LOG.info("removed the temporary file {} ({} bytes) left over from an interrupted put: {}", file, size, reason.get());
        return true;
    }

    // ------------------------------------------------------------------ delete

    @Override
    public void delete(String key) {
        Path file = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory()) {
                return; // a folder is not an object: the key does not exist
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            if (isMissing(e)) {
                return;
            }
            throw translate("delete", key, file, e, OptionalLong.empty());
        }
        removeEmptyFolders(file.getParent());
    }

    /** Removes {@code folder} and its ancestors below the root while they are empty. */
    private void removeEmptyFolders(Path folder) {
        for (Path p = folder; p != null && !p.equals(root) && p.startsWith(root); p = p.getParent()) {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    return; // an object (a file) where a folder was wanted: never delete it
                }
                continue;
            }
            try {
                Files.delete(p);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (NoSuchFileException e) {
                // removed by a concurrent delete: go on with its parent
            } catch (IOException e) {
                LOG.debug("could not remove the empty folder {}; it is harmless", p, e);
                return;
            }
        }
    }

    // ------------------------------------------------------------------ paths and errors

    private Path resolve(String key) {
        StorageKeys.requireKey(key);
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            // StorageKeys makes this impossible; checked again because a mistake here would write outside the root.
            throw new IllegalArgumentException("storage key '" + key + "' resolves outside the storage folder " + root);
        }
        return path;
    }

    /** A {@link StorageException} that says what failed, where, and what to do about it. Never retryable: a local disk does not heal by itself. */
    static StorageException translate(String verb, String key, Path path, IOException e, OptionalLong needed) {
        String reason = reason(e);
        if (e instanceof AccessDeniedException || e instanceof FileSystemException fse
                && "Operation not permitted".equals(fse.getReason())) {
            String doing = switch (verb) {
                case "store", "delete" -> "writing";
                case "list" -> "listing";
                default -> "reading";
            };
            return new StorageException("permission denied " + doing + " " + path + " (key '" + key + "'): " + reason
                    + ". Give the user running the application read and write access to the storage folder, or"
                    + " configure another folder.", false, e);
        }
        if (isDiskFull(e)) {
            StringBuilder message = new StringBuilder("the disk is full: cannot store '").append(key).append("' at ")
                    .append(path).append(" (").append(reason).append(")");
            needed.ifPresent(n -> message.append("; the object needs ").append(n).append(" bytes"));
            usableSpace(path).ifPresent(free -> message.append(", ").append(free).append(" bytes are free there"));
            message.append(". Free space on that disk, delete old backups (retention), or configure a folder on another disk.");
            return new StorageException(message.toString(), false, e);
        }
        return new StorageException("cannot " + verb + " '" + key + "' at " + path + ": " + reason, false, e);
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fse) {
            String file = fse.getFile() == null ? "" : " (" + fse.getFile() + ")";
            if (fse.getFile() != null && Path.of(fse.getFile()).getFileName().toString().startsWith(".put-")) {
                file = " (creating a temporary file in " + Path.of(fse.getFile()).getParent() + ")";
            }
            if (fse.getReason() != null) {
                return fse.getReason() + file;
            }
            if (e instanceof AccessDeniedException) {
                return "access denied" + file;
            }
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded")
                    || message.contains("There is not enough space on the disk"))) {
                return true;
            }
        }
        return false;
    }

    private static OptionalLong usableSpace(Path path) {
        for (Path p = path; p != null; p = p.getParent()) {
            try {
                if (Files.exists(p)) {
                    return OptionalLong.of(Files.getFileStore(p).getUsableSpace());
                }
            } catch (IOException ignored) {
                return OptionalLong.empty(); // only decorates a message about the real failure
            }
        }
        return OptionalLong.empty();
    }

    private static boolean isMissing(IOException e) {
        return e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || e instanceof FileSystemException fse && "Not a directory".equals(fse.getReason());
    }

    /** Checks that the root folder exists and is writable, or can be created; fails with what to do. */
    private static void checkUsable(Path root) {
        if (Files.isDirectory(root)) {
            Path probe = root.resolve(PutTempFiles.newName());
            try {
                Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                Files.delete(probe);
            } catch (IOException e) {
                throw new ConfigurationException("cannot write to the storage folder " + root + ": " + reason(e)
                        + ". Make it writable for the user running the application (e.g. chown or chmod), or configure"
                        + " another folder.", e);
            }
            return;
        }
        if (Files.exists(root)) {
            throw new ConfigurationException("the storage path " + root + " is a file, not a folder. Configure a folder"
                    + " (it is created if missing), e.g. file:backups or file:/var/backups/app.");
        }
        Path existing = root.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new ConfigurationException("cannot create the storage folder " + root + ": none of its parent folders"
                    + " exists. Configure a folder on an existing disk.");
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigurationException("cannot create the storage folder " + root + ": " + existing
                    + " is a file, not a folder. Configure another path, or move that file away.");
        }
        if (!Files.isWritable(existing)) {
            throw new ConfigurationException("cannot create the storage folder " + root + ": " + existing
                    + " is not writable. Create the folder and make it writable for the user running the application"
                    + " (e.g. mkdir, then chown or chmod), or configure another folder.");
        }
    }
}
