package io.backupkit.core.internal;

import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the files part of a backup. Everything is first extracted into a staging directory next to each
 * target (same file system), checking every entry against the file index and every file's SHA-256; only
 * when the whole archive has been read and verified is the staging directory swapped in (REPLACE) or merged
 * (MERGE). So a corrupt or truncated archive leaves the targets untouched, and nothing is ever written
 * outside them: paths are validated, and no write goes through a symbolic link.
 */
public final class FilesRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(FilesRestorer.class);
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Map<String, Path> targets;
    private final FileRestoreMode mode;
    private final boolean overwriteExisting;
    private final LongConsumer filesDone;
    private final Runnable cancelCheck;
    /** Root name to the unique suffix of its staging and replaced-content directories, chosen up front. */
    private final Map<String, String> suffixes = new LinkedHashMap<>();

    /**
     * @param targets root name to target directory, for every root to restore
     */
    public FilesRestorer(Map<String, Path> targets, FileRestoreMode mode, boolean overwriteExisting,
                         LongConsumer filesDone, Runnable cancelCheck) {
        this.targets = new LinkedHashMap<>();
        targets.forEach((k, v) -> this.targets.put(k, v.toAbsolutePath().normalize()));
        this.mode = mode;
        this.overwriteExisting = overwriteExisting;
        this.filesDone = filesDone;
        this.cancelCheck = cancelCheck;
        this.targets.keySet().forEach(root -> suffixes.put(root, shortId()));
    }

    /**
     * Where each root will be staged and where a REPLACE will move its target aside: fixed before anything is
     * written, so the restore's intent record can name them and a recovery can find them after a crash.
     */
    public List<RestoreIntent.FilesIntent> plan() {
        List<RestoreIntent.FilesIntent> out = new ArrayList<>();
        targets.forEach((root, target) -> out.add(new RestoreIntent.FilesIntent(root, target.toString(),
                stageOf(target, suffixes.get(root)).toString(), oldOf(target, suffixes.get(root)).toString(), mode.name(),
                overwriteExisting)));
        return out;
    }

    private static Path stageOf(Path target, String suffix) {
        return target.resolveSibling("." + target.getFileName() + ".backupkit-restore-" + suffix);
    }

    private static Path oldOf(Path target, String suffix) {
        return target.resolveSibling("." + target.getFileName() + ".backupkit-old-" + suffix);
    }

    /** Where a REPLACE that cannot rename the target (a mount point) moves its entries aside, inside it. */
    private static Path innerOldOf(Path target, Path old) {
        String name = old.getFileName().toString();
        return target.resolve(name.substring(name.indexOf(".backupkit-old-")));
    }

    /** What a restore would change, computed from the index and the targets; touches nothing. */
    public List<RestoreResult.FilesChange> preview(InputStream index) throws IOException {
        return diffAll(index, Map.of());
    }

    /** One pass over the index: roots are contiguous in it, and targets are in the same (archive) order. */
    private List<RestoreResult.FilesChange> diffAll(InputStream index, Map<String, Long> bytesWritten) throws IOException {
        List<RestoreResult.FilesChange> out = new ArrayList<>();
        PeekingIterator all = new PeekingIterator(new IndexReader(index));
        for (var e : targets.entrySet()) {
            String root = e.getKey();
            Iterator<FileEntry> ofRoot = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    while (all.hasNext() && !rootOf(all.peek()).equals(root) && !targets.containsKey(rootOf(all.peek()))) {
                        all.next();
                    }
                    return all.hasNext() && rootOf(all.peek()).equals(root);
                }

                @Override
                public FileEntry next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return all.next();
                }
            };
            out.add(diff(root, e.getValue(), ofRoot, bytesWritten.getOrDefault(root, 0L)));
            while (ofRoot.hasNext()) {
                ofRoot.next();
            }
        }
        return out;
    }

    private static String rootOf(FileEntry e) {
        int slash = e.path().indexOf('/');
        return slash < 0 ? e.path() : e.path().substring(0, slash);
    }

    /**
     * Extracts, verifies and commits.
     *
     * @param archive the verified, decompressed tar stream
     * @param index   the verified, decompressed index stream, read alongside the archive
     * @param indexForCounts a second stream of the index, used to count changes before the swap
     */
    public List<RestoreResult.FilesChange> restore(InputStream archive, InputStream index, InputStream indexForCounts)
            throws IOException {
        return restore(archive, index, indexForCounts, () -> { });
    }

    /**
     * As {@link #restore(InputStream, InputStream, InputStream)}; {@code beforeCommit} runs after everything is
     * extracted and verified, just before the first target is changed.
     */
    public List<RestoreResult.FilesChange> restore(InputStream archive, InputStream index, InputStream indexForCounts,
                                                   Runnable beforeCommit) throws IOException {
        Map<String, Path> staging = new LinkedHashMap<>();
        try {
            for (var e : targets.entrySet()) {
                Path target = e.getValue();
                Path parent = target.getParent();
                if (parent == null) {
                    throw new RestoreException("cannot restore files into the file system root " + target
                            + ": choose a directory");
                }
                Files.createDirectories(parent);
                if (Files.exists(target, NOFOLLOW) && !Files.isDirectory(target, NOFOLLOW)) {
                    throw new RestoreException("restore target " + target + " exists and is not a directory: "
                            + "remove it or choose another target");
                }
                Path stage = stageOf(target, suffixes.get(e.getKey()));
                Files.createDirectory(stage);
                staging.put(e.getKey(), stage);
            }
            Map<String, Long> bytesWritten = extract(archive, index, staging);
            List<RestoreResult.FilesChange> changes = diffAll(indexForCounts, bytesWritten);
            beforeCommit.run();
            for (var e : targets.entrySet()) {
                commit(staging.get(e.getKey()), e.getValue(), oldOf(e.getValue(), suffixes.get(e.getKey())));
            }
            return changes;
        } finally {
            for (Path stage : staging.values()) {
                deleteTree(stage);
            }
        }
    }

    /** Reads tar entries and index lines in step into the staging directories; returns bytes written per root. */
    private Map<String, Long> extract(InputStream archive, InputStream index, Map<String, Path> staging) throws IOException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        List<FileEntry> dirEntries = new ArrayList<>();
        IndexReader entries = new IndexReader(index);
        TarArchiveInputStream tar = new TarArchiveInputStream(archive, StandardCharsets.UTF_8.name());
        byte[] buf = new byte[128 * 1024];
        TarArchiveEntry te;
        while ((te = tar.getNextEntry()) != null) {
            cancelCheck.run();
            CrashPoints.reached(CrashPoints.FILE_STAGED);
            String name = te.getName().endsWith("/") ? te.getName().substring(0, te.getName().length() - 1) : te.getName();
            if (!entries.hasNext()) {
                throw new IntegrityException("archive entry " + name + " is not in the file index");
            }
            FileEntry fe = entries.next();
            if (!fe.path().equals(name)) {
                throw new IntegrityException("archive and file index disagree: archive has " + name + ", index has " + fe.path());
            }
            List<String> segs = safeSegments(name);
            String root = segs.get(0);
            Path stage = staging.get(root);
            if (stage == null) {
                if (!targets.containsKey(root)) {
                    skipEntry(tar, buf);
                    continue;
                }
            }
            Path dest = ArchivePaths.resolve(stage, segs.subList(1, segs.size()));
            if (fe.isDir() && te.isDirectory()) {
                if (!dest.equals(stage)) {
                    ensureInside(stage, dest.getParent());
                    Files.createDirectories(dest);
                }
                dirs.add(dest);
                dirEntries.add(fe);
            } else if (fe.isSymlink() && te.isSymbolicLink()) {
                ensureInside(stage, dest.getParent());
                Files.createSymbolicLink(dest, Path.of(te.getLinkName()));
                setTimeNoFollow(dest, fe.mtime());
                filesDone.accept(1);
            } else if (fe.isFile() && te.isFile()) {
                if (te.getSize() != fe.size()) {
                    throw new IntegrityException("archive and file index disagree on the size of " + name);
                }
                ensureInside(stage, dest.getParent());
                MessageDigest sha = Sha256.newDigest();
                long n = 0;
                try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    int r;
                    while ((r = tar.read(buf)) >= 0) {
                        out.write(buf, 0, r);
                        sha.update(buf, 0, r);
                        n += r;
                    }
                }
                if (n != fe.size() || !Sha256.hex(sha).equals(fe.sha256())) {
                    throw new IntegrityException("file " + name + " in the archive does not match its SHA-256 in the file index");
                }
                applyMode(dest, fe.mode());
                Files.setLastModifiedTime(dest, FileTime.from(fe.mtime()));
                bytes.merge(root, n, Long::sum);
                filesDone.accept(1);
            } else {
                throw new IntegrityException("archive and file index disagree on the type of " + name);
            }
        }
        if (entries.hasNext()) {
            throw new IntegrityException("the file index lists " + entries.next().path() + " which the archive lacks");
        }
        // Read to the end so the object's size and SHA-256 are checked before anything is committed.
        while (archive.read(buf) >= 0) {
            // drain
        }
        // Directories last, deepest first: writing into a directory changes its mtime.
        for (int i = dirs.size() - 1; i >= 0; i--) {
            applyMode(dirs.get(i), dirEntries.get(i).mode());
            Files.setLastModifiedTime(dirs.get(i), FileTime.from(dirEntries.get(i).mtime()));
        }
        return bytes;
    }

    private static List<String> safeSegments(String name) {
        try {
            return ArchivePaths.segments(name);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("unsafe path in archive: " + e.getMessage());
        }
    }

    /**
     * Checks, without writing anything, what a restore checks of a files part before it commits: every index path is
     * safe, the archive and the index list the same entries in the same order with the same types and sizes. Import
     * and dry runs use it, so they refuse everything a restore would refuse.
     */
    public static void checkArchive(InputStream archive, InputStream index) throws IOException {
        IndexReader entries = new IndexReader(index);
        TarArchiveInputStream tar = new TarArchiveInputStream(archive, StandardCharsets.UTF_8.name());
        byte[] buf = new byte[64 * 1024];
        TarArchiveEntry te;
        while ((te = tar.getNextEntry()) != null) {
            String name = te.getName().endsWith("/") ? te.getName().substring(0, te.getName().length() - 1) : te.getName();
            safeSegments(name);
            if (!entries.hasNext()) {
                throw new IntegrityException("archive entry " + ArchivePaths.printable(name) + " is not in the file index");
            }
            FileEntry fe = entries.next();
            if (!fe.path().equals(name)) {
                throw new IntegrityException("archive and file index disagree: archive has " + ArchivePaths.printable(name)
                        + ", index has " + ArchivePaths.printable(fe.path()));
            }
            boolean sameType = fe.isDir() ? te.isDirectory() : fe.isSymlink() ? te.isSymbolicLink() : te.isFile();
            if (!sameType || fe.isFile() && te.getSize() != fe.size()) {
                throw new IntegrityException("archive and file index disagree on the type or size of "
                        + ArchivePaths.printable(name));
            }
            skipEntry(tar, buf);
        }
        if (entries.hasNext()) {
            throw new IntegrityException("the file index lists " + ArchivePaths.printable(entries.next().path())
                    + " which the archive lacks");
        }
    }

    private static void skipEntry(TarArchiveInputStream tar, byte[] buf) throws IOException {
        while (tar.read(buf) >= 0) {
            // not restored
        }
    }

    /** The real location of {@code dir} must be inside the staging root: a link can never redirect a write. */
    private static void ensureInside(Path root, Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (!real.startsWith(root.toRealPath())) {
            throw new IntegrityException("archive entry would be written through a symbolic link to " + real
                    + ", outside the restore target; refused");
        }
    }

    private void commit(Path stage, Path target, Path old) throws IOException {
        if (mode == FileRestoreMode.REPLACE) {
            replace(stage, target, old);
        } else {
            Files.createDirectories(target);
            DirMetadata root = DirMetadata.of(stage);
            merge(stage, target, target.toRealPath());
            root.applyTo(target);
        }
    }

    private void replace(Path stage, Path target, Path old) throws IOException {
        if (!Files.exists(target, NOFOLLOW)) {
            Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // A mount point or a busy directory cannot be renamed: swap its contents instead.
            LOG.debug("Could not rename {} ({}); replacing its contents", target, e.toString());
            replaceContents(stage, target, innerOldOf(target, old));
            return;
        }
        CrashPoints.reached(CrashPoints.BETWEEN_RENAMES);
        try {
            Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        CrashPoints.reached(CrashPoints.SWAPPED);
        removeReplaced(old);
    }

    /** The swap is done: failing to remove what it replaced must not undo it, but is said loudly. */
    private static void removeReplaced(Path old) {
        try {
            deleteTree(old);
        } catch (UncheckedIOException e) {
            LOG.warn("Restore complete, but the replaced content could not be removed from {}: {}; delete it by hand",
                    old, e.getMessage());
        }
    }

    /**
     * Moves the target's entries into {@code old} (inside it), then the staged entries in. A marker in {@code old}
     * says the first step is complete, so a recovery after a crash knows which of the target's entries are new.
     */
    private void replaceContents(Path stage, Path target, Path old) throws IOException {
        DirMetadata meta = DirMetadata.of(stage);
        if (!Files.exists(old, NOFOLLOW)) {
            Files.createDirectory(old);
        }
        Path moved = old.resolve(CONTENTS_MOVED);
        if (!Files.exists(moved, NOFOLLOW)) {
            for (Path child : children(target)) {
                if (!child.equals(old)) {
                    Files.move(child, old.resolve(child.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.createFile(moved);
        }
        for (Path child : children(stage)) {
            Files.move(child, target.resolve(child.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        removeReplaced(old);
        meta.applyTo(target);
    }

    private static final String CONTENTS_MOVED = ".backupkit-contents-moved";

    /**
     * Recovery after a crash while this root was being committed (every staged file had been verified): finishes
     * the swap or merge from wherever it stopped. Idempotent: a crash during recovery is recovered the same way.
     */
    static void finishCommit(RestoreIntent.FilesIntent plan) throws IOException {
        Path target = Path.of(plan.target());
        Path stage = Path.of(plan.stage());
        Path old = Path.of(plan.old());
        FileRestoreMode mode = FileRestoreMode.valueOf(plan.mode());
        FilesRestorer r = new FilesRestorer(Map.of(plan.root(), target), mode, plan.overwriteExisting(), n -> { }, () -> { });
        if (!Files.exists(stage, NOFOLLOW)) {
            // the staged directory was moved in: only the replaced content may be left
            deleteTree(old);
            deleteTree(innerOldOf(target, old));
            return;
        }
        if (mode == FileRestoreMode.MERGE) {
            Files.createDirectories(target);
            r.merge(stage, target, target.toRealPath());
            deleteTree(stage);
            return;
        }
        if (Files.exists(innerOldOf(target, old), NOFOLLOW)) {
            r.replaceContents(stage, target, innerOldOf(target, old));
            deleteTree(stage);
            return;
        }
        if (Files.exists(target, NOFOLLOW) && Files.exists(old, NOFOLLOW)) {
            throw new RestoreException("cannot finish the restore of " + target + ": both it and " + old + " exist beside "
                    + "the staged " + stage + "; compare them and keep the right one by hand");
        }
        r.replace(stage, target, old);
        deleteTree(old); // killed between the renames: the target was missing, replace() only moved the stage in
    }

    /**
     * Recovery after a crash before this root was committed: the target was not touched; removes the staging
     * directory (and puts the target back should it have been moved aside, which only a commit does).
     */
    static void discardStage(RestoreIntent.FilesIntent plan) {
        Path target = Path.of(plan.target());
        Path old = Path.of(plan.old());
        try {
            if (!Files.exists(target, NOFOLLOW) && Files.exists(old, NOFOLLOW)) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not move " + old + " back to " + target + ": " + e.getMessage(), e);
        }
        deleteTree(Path.of(plan.stage()));
    }

    private void merge(Path stageDir, Path targetDir, Path targetRoot) throws IOException {
        for (Path child : children(stageDir)) {
            cancelCheck.run();
            Path dest = targetDir.resolve(child.getFileName());
            Path realParent = targetDir.toRealPath();
            if (!realParent.startsWith(targetRoot)) {
                throw new RestoreException("refusing to write into " + targetDir + ": it is a link to " + realParent
                        + ", outside the restore target");
            }
            boolean stagedDir = Files.isDirectory(child, NOFOLLOW);
            boolean exists = Files.exists(dest, NOFOLLOW);
            if (!exists) {
                Files.move(child, dest, StandardCopyOption.ATOMIC_MOVE);
            } else if (stagedDir && Files.isDirectory(dest, NOFOLLOW)) {
                // Moving entries out of the staged directory changes its time: capture it first.
                DirMetadata meta = DirMetadata.of(child);
                merge(child, dest, targetRoot);
                meta.applyTo(dest);
            } else if (overwriteExisting) {
                deleteTree(dest);
                Files.move(child, dest, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** A directory's permissions and time, captured before its entries move and applied after. */
    private record DirMetadata(java.util.Set<java.nio.file.attribute.PosixFilePermission> perms, FileTime mtime) {
        static DirMetadata of(Path dir) throws IOException {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms;
            try {
                perms = Files.getPosixFilePermissions(dir, NOFOLLOW);
            } catch (UnsupportedOperationException e) {
                perms = null;
            }
            return new DirMetadata(perms, Files.getLastModifiedTime(dir, NOFOLLOW));
        }

        void applyTo(Path dir) throws IOException {
            if (perms != null) {
                Files.setPosixFilePermissions(dir, perms);
            }
            Files.setLastModifiedTime(dir, mtime);
        }
    }

    /** Compares the index of one root with its target directory, in tree order, without holding either in memory. */
    private RestoreResult.FilesChange diff(String root, Path target, Iterator<FileEntry> index, long bytesWritten)
            throws IOException {
        long added = 0;
        long replaced = 0;
        long unchanged = 0;
        long removed = 0;
        Iterator<String> existing = Files.isDirectory(target, NOFOLLOW) ? new TreeWalker(target) : java.util.Collections.emptyIterator();
        String prefix = root + "/";
        FileEntry e = nextNonRoot(index, root);
        String x = existing.hasNext() ? existing.next() : null;
        while (e != null || x != null) {
            String rel = e == null ? null : e.path().substring(prefix.length());
            int c = e == null ? 1 : x == null ? -1 : ArchivePaths.TREE_ORDER.compare(rel, x);
            if (c < 0) {
                if (!e.isDir()) {
                    added++;
                }
                e = nextNonRoot(index, root);
            } else if (c > 0) {
                if (mode == FileRestoreMode.REPLACE && !Files.isDirectory(target.resolve(x), NOFOLLOW)) {
                    removed++;
                }
                x = existing.hasNext() ? existing.next() : null;
            } else {
                if (!e.isDir()) {
                    if (same(e, target.resolve(x))) {
                        unchanged++;
                    } else if (mode == FileRestoreMode.MERGE && !overwriteExisting) {
                        unchanged++;
                    } else {
                        replaced++;
                    }
                }
                e = nextNonRoot(index, root);
                x = existing.hasNext() ? existing.next() : null;
            }
        }
        return new RestoreResult.FilesChange(root, target.toString(), added, replaced, unchanged, removed, bytesWritten);
    }

    private static FileEntry nextNonRoot(Iterator<FileEntry> index, String root) {
        while (index.hasNext()) {
            FileEntry e = index.next();
            if (!e.path().equals(root)) {
                return e;
            }
        }
        return null;
    }

    /** Same type, size and modification time (to the millisecond): rsync's quick check. */
    private static boolean same(FileEntry e, Path p) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException ex) {
            return false;
        }
        if (e.isSymlink()) {
            return a.isSymbolicLink() && Files.readSymbolicLink(p).toString().equals(e.target());
        }
        return a.isRegularFile() && a.size() == e.size()
                && a.lastModifiedTime().toMillis() == e.mtime().toEpochMilli();
    }

    private static void applyMode(Path p, int mode) throws IOException {
        if (mode < 0) {
            return;
        }
        try {
            Files.setPosixFilePermissions(p, PosixModes.toPermissions(mode));
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions on this file system
        }
    }

    private static void setTimeNoFollow(Path link, java.time.Instant t) {
        try {
            Files.getFileAttributeView(link, java.nio.file.attribute.BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(FileTime.from(t), null, null);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Could not set the time of link {}: {}", link, e.toString());
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        }
        out.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    static void deleteTree(Path p) {
        try {
            if (!Files.exists(p, NOFOLLOW)) {
                return;
            }
            if (Files.isDirectory(p, NOFOLLOW)) {
                for (Path c : children(p)) {
                    deleteTree(c);
                }
            }
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + p + ": " + e.getMessage(), e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static final class PeekingIterator implements Iterator<FileEntry> {
        private final Iterator<FileEntry> inner;
        private FileEntry peeked;

        PeekingIterator(Iterator<FileEntry> inner) {
            this.inner = inner;
        }

        FileEntry peek() {
            if (peeked == null) {
                peeked = inner.next();
            }
            return peeked;
        }

        @Override
        public boolean hasNext() {
            return peeked != null || inner.hasNext();
        }

        @Override
        public FileEntry next() {
            FileEntry e = peek();
            peeked = null;
            return e;
        }
    }

    /** Reads index JSON lines one at a time. */
    private static final class IndexReader implements Iterator<FileEntry> {
        private final BufferedReader reader;
        private FileEntry next;

        IndexReader(InputStream in) {
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                try {
                    String line;
                    do {
                        line = reader.readLine();
                    } while (line != null && line.isEmpty());
                    if (line != null) {
                        next = Json.compact().readValue(line, FileEntry.class);
                        try {
                            ArchivePaths.segments(next.path());
                        } catch (IllegalArgumentException e) {
                            throw new IntegrityException("unsafe path in the file index: " + e.getMessage());
                        }
                    }
                } catch (IOException e) {
                    throw new IntegrityException("the file index cannot be read: " + e.getMessage(), e);
                }
            }
            return next != null;
        }

        @Override
        public FileEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            FileEntry e = next;
            next = null;
            return e;
        }
    }

    /** Relative paths under a directory in tree order, lazily (one directory listing per level in memory). */
    private static final class TreeWalker implements Iterator<String> {
        private final Path base;
        private final java.util.Deque<Iterator<Path>> stack = new java.util.ArrayDeque<>();
        private String next;

        TreeWalker(Path base) throws IOException {
            this.base = base;
            stack.push(children(base).iterator());
        }

        @Override
        public boolean hasNext() {
            while (next == null && !stack.isEmpty()) {
                Iterator<Path> top = stack.peek();
                if (!top.hasNext()) {
                    stack.pop();
                    continue;
                }
                Path p = top.next();
                next = base.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                if (Files.isDirectory(p, NOFOLLOW)) {
                    try {
                        stack.push(children(p).iterator());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return next != null;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String n = next;
            next = null;
            return n;
        }
    }

}
