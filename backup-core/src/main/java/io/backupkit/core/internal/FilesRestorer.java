package io.backupkit.core.internal;

import static io.backupkit.core.internal.FileTrees.NOFOLLOW;

import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.internal.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * (MERGE) by {@link FilesCommit}. So a corrupt or truncated archive leaves the targets untouched, and nothing is ever
 * written outside them: paths are validated, and no write goes through a symbolic link. {@link FilesDiff} counts
 * what changes.
 */
final class FilesRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(FilesRestorer.class);

    private final Map<String, Path> targets;
    private final FileRestoreMode mode;
    private final boolean overwriteExisting;
    private final LongConsumer filesDone;
    private final Runnable cancelCheck;
    /** Root name to the unique suffix of its staging and replaced-content directories, chosen up front. */
    private final Map<String, String> suffixes = new LinkedHashMap<>();
    private final FilesDiff diff;
    private final FilesCommit commit;

    /**
     * @param targets root name to target directory, for every root to restore
     */
    FilesRestorer(Map<String, Path> targets, FileRestoreMode mode, boolean overwriteExisting,
                  LongConsumer filesDone, Runnable cancelCheck) {
        this.targets = new LinkedHashMap<>();
        targets.forEach((k, v) -> this.targets.put(k, v.toAbsolutePath().normalize()));
        this.mode = mode;
        this.overwriteExisting = overwriteExisting;
        this.filesDone = filesDone;
        this.cancelCheck = cancelCheck;
        this.targets.keySet().forEach(root -> suffixes.put(root, shortId()));
        this.diff = new FilesDiff(this.targets, mode, overwriteExisting);
        this.commit = new FilesCommit(mode, overwriteExisting, cancelCheck);
    }

    /**
     * Where each root will be staged and where a REPLACE will move its target aside: fixed before anything is
     * written, so the restore's intent record can name them and a recovery can find them after a crash.
     */
    List<RestoreIntent.FilesIntent> plan() {
        List<RestoreIntent.FilesIntent> out = new ArrayList<>();
        targets.forEach((root, target) -> out.add(new RestoreIntent.FilesIntent(root, target.toString(),
                FilesCommit.stageOf(target, suffixes.get(root)).toString(), FilesCommit.oldOf(target, suffixes.get(root)).toString(), mode.name(),
                overwriteExisting)));
        return out;
    }

    /** What a restore would change, computed from the index and the targets; touches nothing. */
    List<RestoreResult.FilesChange> preview(InputStream index) throws IOException {
        return diff.diffAll(index, Map.of());
    }

    /**
     * Extracts, verifies and commits.
     *
     * @param archive the verified, decompressed tar stream
     * @param index   the verified, decompressed index stream, read alongside the archive
     * @param indexForCounts a second stream of the index, used to count changes before the swap
     */
    List<RestoreResult.FilesChange> restore(InputStream archive, InputStream index, InputStream indexForCounts)
            throws IOException {
        return restore(archive, index, indexForCounts, () -> { });
    }

    /**
     * As {@link #restore(InputStream, InputStream, InputStream)}; {@code beforeCommit} runs after everything is
     * extracted and verified, just before the first target is changed.
     */
    List<RestoreResult.FilesChange> restore(InputStream archive, InputStream index, InputStream indexForCounts,
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
                Path stage = FilesCommit.stageOf(target, suffixes.get(e.getKey()));
                Files.createDirectory(stage);
                staging.put(e.getKey(), stage);
            }
            Map<String, Long> bytesWritten = extract(archive, index, staging);
            List<RestoreResult.FilesChange> changes = diff.diffAll(indexForCounts, bytesWritten);
            beforeCommit.run();
            for (var e : targets.entrySet()) {
                commit.commit(staging.get(e.getKey()), e.getValue(), FilesCommit.oldOf(e.getValue(), suffixes.get(e.getKey())));
            }
            return changes;
        } finally {
            for (Path stage : staging.values()) {
                FileTrees.delete(stage);
            }
        }
    }

    /** Reads tar entries and index lines in step into the staging directories; returns bytes written per root. */
    private Map<String, Long> extract(InputStream archive, InputStream index, Map<String, Path> staging) throws IOException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        List<FileEntry> dirEntries = new ArrayList<>();
        FileIndexReader entries = new FileIndexReader(index);
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
                FileTrees.applyMode(dest, fe.mode());
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
            FileTrees.applyMode(dirs.get(i), dirEntries.get(i).mode());
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
    static void checkArchive(InputStream archive, InputStream index) throws IOException {
        FileIndexReader entries = new FileIndexReader(index);
        TarArchiveInputStream tar = new TarArchiveInputStream(archive, StandardCharsets.UTF_8.name());
        byte[] buf = new byte[64 * 1024];
        TarArchiveEntry te;
        while ((te = tar.getNextEntry()) != null) {
            String name = te.getName().endsWith("/") ? te.getName().substring(0, te.getName().length() - 1) : te.getName();
            safeSegments(name);
            if (!entries.hasNext()) {
                throw new IntegrityException("archive entry " + Printable.of(name) + " is not in the file index");
            }
            FileEntry fe = entries.next();
            if (!fe.path().equals(name)) {
                throw new IntegrityException("archive and file index disagree: archive has " + Printable.of(name)
                        + ", index has " + Printable.of(fe.path()));
            }
            boolean sameType = fe.isDir() ? te.isDirectory() : fe.isSymlink() ? te.isSymbolicLink() : te.isFile();
            if (!sameType || fe.isFile() && te.getSize() != fe.size()) {
                throw new IntegrityException("archive and file index disagree on the type or size of "
                        + Printable.of(name));
            }
            skipEntry(tar, buf);
        }
        if (entries.hasNext()) {
            throw new IntegrityException("the file index lists " + Printable.of(entries.next().path())
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

    private static void setTimeNoFollow(Path link, Instant t) {
        try {
            Files.getFileAttributeView(link, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(FileTime.from(t), null, null);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Could not set the time of link {}: {}", link, e.toString());
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
