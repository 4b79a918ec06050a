package io.backupkit.core.internal;

import static io.backupkit.core.internal.FileTrees.NOFOLLOW;

import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.RestoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a files restore, once every staged file is verified: the staging directory beside a target is
 * swapped in (REPLACE: the target is renamed aside, the stage renamed in) or merged into it (MERGE). Also the
 * recovery of a commit a crash interrupted, from the paths the intent record names ({@link #finishCommit},
 * {@link #discardStage}).
 */
record FilesCommit(FileRestoreMode mode, boolean overwriteExisting, Runnable cancelCheck) {
    private static final Logger LOG = LoggerFactory.getLogger(FilesCommit.class);
    private static final String CONTENTS_MOVED = ".backupkit-contents-moved";

    /** Where a root is staged, beside its target (same file system). */
    static Path stageOf(Path target, String suffix) {
        return target.resolveSibling("." + target.getFileName() + ".backupkit-restore-" + suffix);
    }

    /** Where a REPLACE moves the target aside. */
    static Path oldOf(Path target, String suffix) {
        return target.resolveSibling("." + target.getFileName() + ".backupkit-old-" + suffix);
    }

    /** Where a REPLACE that cannot rename the target (a mount point) moves its entries aside, inside it. */
    private static Path innerOldOf(Path target, Path old) {
        String name = old.getFileName().toString();
        return target.resolve(name.substring(name.indexOf(".backupkit-old-")));
    }

    /** Puts one staged root in place of (REPLACE) or into (MERGE) its target. */
    void commit(Path stage, Path target, Path old) throws IOException {
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
            FileTrees.delete(old);
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
            for (Path child : FileTrees.children(target)) {
                if (!child.equals(old)) {
                    Files.move(child, old.resolve(child.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.createFile(moved);
        }
        for (Path child : FileTrees.children(stage)) {
            Files.move(child, target.resolve(child.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        removeReplaced(old);
        meta.applyTo(target);
    }

    /**
     * Recovery after a crash while this root was being committed (every staged file had been verified): finishes
     * the swap or merge from wherever it stopped. Idempotent: a crash during recovery is recovered the same way.
     */
    static void finishCommit(RestoreIntent.FilesIntent plan) throws IOException {
        Path target = Path.of(plan.target());
        Path stage = Path.of(plan.stage());
        Path old = Path.of(plan.old());
        FileRestoreMode mode = FileRestoreMode.valueOf(plan.mode());
        FilesCommit r = new FilesCommit(mode, plan.overwriteExisting(), () -> { });
        if (!Files.exists(stage, NOFOLLOW)) {
            // the staged directory was moved in: only the replaced content may be left
            FileTrees.delete(old);
            FileTrees.delete(innerOldOf(target, old));
            return;
        }
        if (mode == FileRestoreMode.MERGE) {
            Files.createDirectories(target);
            r.merge(stage, target, target.toRealPath());
            FileTrees.delete(stage);
            return;
        }
        if (Files.exists(innerOldOf(target, old), NOFOLLOW)) {
            r.replaceContents(stage, target, innerOldOf(target, old));
            FileTrees.delete(stage);
            return;
        }
        if (Files.exists(target, NOFOLLOW) && Files.exists(old, NOFOLLOW)) {
            throw new RestoreException("cannot finish the restore of " + target + ": both it and " + old + " exist beside "
                    + "the staged " + stage + "; compare them and keep the right one by hand");
        }
        r.replace(stage, target, old);
        FileTrees.delete(old); // killed between the renames: the target was missing, replace() only moved the stage in
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
        FileTrees.delete(Path.of(plan.stage()));
    }

    private void merge(Path stageDir, Path targetDir, Path targetRoot) throws IOException {
        for (Path child : FileTrees.children(stageDir)) {
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
                FileTrees.delete(dest);
                Files.move(child, dest, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** A directory's permissions and time, captured before its entries move and applied after. */
    private record DirMetadata(Set<PosixFilePermission> perms, FileTime mtime) {
        static DirMetadata of(Path dir) throws IOException {
            Set<PosixFilePermission> perms;
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
}
