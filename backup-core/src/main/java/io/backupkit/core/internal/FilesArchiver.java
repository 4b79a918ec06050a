package io.backupkit.core.internal;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.FileSet;
import io.backupkit.api.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes the media files of a {@link FileSet} as one POSIX (pax) tar stream, and the file index as JSON lines,
 * in one pass: each file is read once, hashed while it is copied. Entries are sorted by name so the same tree
 * gives the same archive. Memory use does not depend on the number or size of files.
 */
final class FilesArchiver {
    private static final int COPY_BUFFER = 128 * 1024;

    private final FileSet fileSet;
    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;
    private final List<PathMatcher> dirExcludes;
    private final List<String> warnings = new ArrayList<>();
    private final LongConsumer filesDone;
    private final Runnable cancelCheck;
    private final byte[] buffer = new byte[COPY_BUFFER];

    /** Names of BackupKit's own temporary files and folders beside or inside a restore target. */
    private static final Pattern OWN_TEMPORARY = Pattern.compile(
            "\\..*\\.backupkit-(restore|old)-[0-9a-f]{8}|\\.backupkit-old-[0-9a-f]{8}|\\..*\\.backupkit-intent\\.json(\\.tmp)?");

    /** The storage's folder (its file key), never archived even when it lies inside a root. */
    private Object storageFolderKey;
    private Path storageFolder;

    public FilesArchiver(FileSet fileSet, LongConsumer filesDone, Runnable cancelCheck) {
        this(fileSet, Optional.empty(), filesDone, cancelCheck);
    }

    /** @param storageFolder the backup storage's local folder, if it has one: left out of the archive */
    public FilesArchiver(FileSet fileSet, Optional<Path> storageFolder, LongConsumer filesDone,
                         Runnable cancelCheck) {
        this.fileSet = fileSet;
        storageFolder.filter(Files::isDirectory).ifPresent(f -> {
            try {
                this.storageFolderKey = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
                this.storageFolder = f;
            } catch (IOException e) {
                // unreadable: it cannot be archived either
            }
        });
        this.includes = matchers(fileSet.includes());
        this.excludes = matchers(fileSet.excludes());
        this.dirExcludes = matchers(fileSet.excludes().stream()
                .filter(g -> g.endsWith("/**") && g.length() > 3).map(g -> g.substring(0, g.length() - 3)).toList());
        this.filesDone = filesDone;
        this.cancelCheck = cancelCheck;
    }

    /** Checks, before anything is written, that every root exists and is a readable directory. */
    public static void checkRoots(FileSet fileSet) {
        fileSet.roots().forEach((name, dir) -> {
            if (!Files.exists(dir)) {
                throw new ConfigurationException("media directory " + dir.toAbsolutePath() + " (root '" + name
                        + "') does not exist: create it, or remove it from the file set");
            }
            if (!Files.isDirectory(dir)) {
                throw new ConfigurationException("media root '" + name + "' is " + dir.toAbsolutePath()
                        + ", which is not a directory: give the directory that holds the files");
            }
            if (!Files.isReadable(dir)) {
                throw new ConfigurationException("media directory " + dir.toAbsolutePath()
                        + " is not readable by this process: fix its permissions");
            }
        });
    }

    /** Things noticed while archiving (special files skipped, files that changed while read). */
    public List<String> warnings() {
        return warnings;
    }

    /** Archives every root into {@code tarOut} and writes the index into {@code indexOut}; closes neither. */
    public List<Manifest.FileRoot> write(OutputStream tarOut, OutputStream indexOut) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosingOutputStream(tarOut), StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        List<Manifest.FileRoot> roots = new ArrayList<>();
        for (var root : fileSet.roots().entrySet()) {
            RootWriter w = new RootWriter(root.getKey(), root.getValue().toAbsolutePath().normalize(), tar, indexOut);
            w.writeRoot();
            roots.add(new Manifest.FileRoot(root.getKey(), w.dir.toString(), w.entries, w.bytes));
        }
        tar.finish();
        tar.close();
        return roots;
    }

    private final class RootWriter {
        private final String name;
        private final Path dir;
        private final TarArchiveOutputStream tar;
        private final OutputStream index;
        /** Directories seen but not yet written: written once something inside is taken (or at once without includes). */
        private final Deque<PendingDir> pending = new ArrayDeque<>();
        private long entries;
        private long bytes;

        RootWriter(String name, Path dir, TarArchiveOutputStream tar, OutputStream index) {
            this.name = name;
            this.dir = dir;
            this.tar = tar;
            this.index = index;
        }

        private Object rootDevice;

        void writeRoot() throws IOException {
            BasicFileAttributes attrs = readAttributes(dir, true);
            rootDevice = fileSet.oneFileSystem() ? device(dir) : null;
            pending.push(new PendingDir(name, dir, attrs));
            flushPendingDirs();
            walk(dir, "");
        }

        private void walk(Path current, String relative) throws IOException {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(current)) {
                ds.forEach(children::add);
            } catch (AccessDeniedException e) {
                throw new UncheckedIOException(new IOException("cannot list " + current
                        + ": permission denied; fix its permissions or exclude it", e));
            }
            children.sort(Comparator.comparing(p -> p.getFileName().toString()));
            for (Path child : children) {
                cancelCheck.run();
                String childName = child.getFileName().toString();
                String rel = relative.isEmpty() ? childName : relative + "/" + childName;
                BasicFileAttributes attrs;
                try {
                    attrs = readAttributes(child, fileSet.followSymlinks());
                } catch (NoSuchFileException e) {
                    continue; // deleted while we walked: not part of the backup
                }
                if (OWN_TEMPORARY.matcher(childName).matches()) {
                    warnings.add("left out " + child + ": a temporary file of BackupKit (an unfinished restore's; "
                            + "'backupkit recover' removes it)");
                    continue;
                }
                if (attrs.isDirectory()) {
                    if (excluded(rel) || excludedDir(rel)) {
                        continue;
                    }
                    if (storageFolderKey != null && storageFolderKey.equals(attrs.fileKey())) {
                        warnings.add("left out " + child + ": it is the folder of the backup storage "
                                + storageFolder + " (backups never contain earlier backups)");
                        continue;
                    }
                    if (rootDevice != null && !rootDevice.equals(device(child))) {
                        warnings.add("left out " + child + ": another file system is mounted there (oneFileSystem)");
                        continue;
                    }
                    pending.push(new PendingDir(name + "/" + rel, child, attrs));
                    if (includes.isEmpty()) {
                        flushPendingDirs();
                    }
                    walk(child, rel);
                    pending.pop();
                } else if (attrs.isSymbolicLink() || attrs.isRegularFile()) {
                    if (!selected(rel)) {
                        continue;
                    }
                    flushPendingDirs();
                    if (attrs.isSymbolicLink()) {
                        writeSymlink(name + "/" + rel, child, attrs);
                    } else {
                        writeFile(name + "/" + rel, child, attrs);
                    }
                } else {
                    warnings.add("skipped " + child + ": not a regular file, directory or symbolic link");
                }
            }
        }

        private void flushPendingDirs() throws IOException {
            List<PendingDir> order = new ArrayList<>(pending);
            Collections.reverse(order);
            for (PendingDir d : order) {
                if (!d.written) {
                    writeDir(d.entryName, d.attrs);
                    d.written = true;
                }
            }
        }

        private void writeDir(String entryName, BasicFileAttributes attrs) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(entryName + "/", TarConstants.LF_DIR, true);
            int mode = mode(attrs);
            e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | (mode < 0 ? 0755 : mode));
            e.setLastModifiedTime(attrs.lastModifiedTime());
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            // Directories are in the index but not counted: the count is of files a user has (regular files, links).
            index(new FileEntry(entryName, FileEntry.DIR, 0, attrs.lastModifiedTime().toInstant(), mode, null, null));
        }

        private void writeSymlink(String entryName, Path link, BasicFileAttributes attrs) throws IOException {
            String target = Files.readSymbolicLink(link).toString();
            TarArchiveEntry e = new TarArchiveEntry(entryName, TarConstants.LF_SYMLINK, true);
            e.setLinkName(target);
            e.setMode(0120777);
            e.setLastModifiedTime(attrs.lastModifiedTime());
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            index(new FileEntry(entryName, FileEntry.SYMLINK, 0, attrs.lastModifiedTime().toInstant(), -1, null, target));
            entries++;
            filesDone.accept(1);
        }

        private void writeFile(String entryName, Path file, BasicFileAttributes attrs) throws IOException {
            long size = attrs.size();
            int mode = mode(attrs);
            TarArchiveEntry e = new TarArchiveEntry(entryName, TarConstants.LF_NORMAL, true);
            e.setSize(size);
            e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | (mode < 0 ? 0644 : mode));
            e.setLastModifiedTime(attrs.lastModifiedTime());
            MessageDigest sha = Sha256.newDigest();
            InputStream in;
            try {
                in = Files.newInputStream(file);
            } catch (AccessDeniedException ex) {
                throw new IOException("cannot read " + file + ": permission denied; fix its permissions or exclude it", ex);
            }
            tar.putArchiveEntry(e);
            long copied = 0;
            try (in) {
                while (copied < size) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - copied));
                    if (n < 0) {
                        break;
                    }
                    tar.write(buffer, 0, n);
                    sha.update(buffer, 0, n);
                    copied += n;
                }
                boolean grew = copied == size && in.read() >= 0;
                if (copied < size || grew) {
                    warnings.add("file " + file + " changed size while it was read; its copy in this backup may be inconsistent");
                }
            }
            if (copied < size) {
                // The header promised `size` bytes: pad so the archive stays valid; the index hash covers the padding.
                Arrays.fill(buffer, (byte) 0);
                while (copied < size) {
                    int n = (int) Math.min(buffer.length, size - copied);
                    tar.write(buffer, 0, n);
                    sha.update(buffer, 0, n);
                    copied += n;
                }
            }
            tar.closeArchiveEntry();
            index(new FileEntry(entryName, FileEntry.FILE, size, attrs.lastModifiedTime().toInstant(), mode,
                    Sha256.hex(sha), null));
            entries++;
            bytes += size;
            filesDone.accept(1);
        }

        private void index(FileEntry entry) throws IOException {
            index.write(Json.compact().writeValueAsBytes(entry));
            index.write('\n');
        }
    }

    private boolean selected(String rel) {
        if (excluded(rel)) {
            return false;
        }
        return includes.isEmpty() || includes.stream().anyMatch(m -> m.matches(Path.of(rel)));
    }

    private boolean excluded(String rel) {
        Path p = Path.of(rel);
        return excludes.stream().anyMatch(m -> m.matches(p));
    }

    /** {@code cache/**} excludes the directory {@code cache} itself too, not only what is in it. */
    private boolean excludedDir(String rel) {
        Path p = Path.of(rel);
        return dirExcludes.stream().anyMatch(m -> m.matches(p));
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) {
            out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            if (g.startsWith("**/")) {
                // Users expect **/*.jpg to match a.jpg at the top level too.
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
            }
        }
        return out;
    }

    /** The device a directory is on (unix:dev); where the platform cannot say, its file store. */
    private static Object device(Path p) throws IOException {
        try {
            return Files.getAttribute(p, "unix:dev");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.getFileStore(p).name();
        }
    }

    private static BasicFileAttributes readAttributes(Path p, boolean follow) throws IOException {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, opts);
        } catch (UnsupportedOperationException e) {
            return Files.readAttributes(p, BasicFileAttributes.class, opts);
        }
    }

    private static int mode(BasicFileAttributes attrs) {
        return attrs instanceof PosixFileAttributes posix ? PosixModes.toMode(posix.permissions()) : -1;
    }

    private static final class PendingDir {
        final String entryName;
        final Path path;
        final BasicFileAttributes attrs;
        boolean written;

        PendingDir(String entryName, Path path, BasicFileAttributes attrs) {
            this.entryName = entryName;
            this.path = path;
            this.attrs = attrs;
        }
    }

    /** Lets the tar writer finish its trailer without closing the object stream, which the caller completes. */}
