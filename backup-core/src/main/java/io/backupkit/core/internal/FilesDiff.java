package io.backupkit.core.internal;

import static io.backupkit.core.internal.FileTrees.NOFOLLOW;

import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.RestoreResult;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What restoring a files part changes in its targets: the index compared with each target directory, in tree order,
 * without holding either in memory. A restore's preview, and its counts once the files are staged.
 */
final class FilesDiff {
    private final Map<String, Path> targets;
    private final FileRestoreMode mode;
    private final boolean overwriteExisting;

    /** @param targets root name to target directory, in archive order */
    FilesDiff(Map<String, Path> targets, FileRestoreMode mode, boolean overwriteExisting) {
        this.targets = targets;
        this.mode = mode;
        this.overwriteExisting = overwriteExisting;
    }

    /** One pass over the index: roots are contiguous in it, and targets are in the same (archive) order. */
    List<RestoreResult.FilesChange> diffAll(InputStream index, Map<String, Long> bytesWritten) throws IOException {
        List<RestoreResult.FilesChange> out = new ArrayList<>();
        PeekingIterator all = new PeekingIterator(new FileIndexReader(index));
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

    /** Compares the index of one root with its target directory, in tree order, without holding either in memory. */
    private RestoreResult.FilesChange diff(String root, Path target, Iterator<FileEntry> index, long bytesWritten)
            throws IOException {
        long added = 0;
        long replaced = 0;
        long unchanged = 0;
        long removed = 0;
        Iterator<String> existing = Files.isDirectory(target, NOFOLLOW) ? new TreeWalker(target) : Collections.emptyIterator();
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

    /** Relative paths under a directory in tree order, lazily (one directory listing per level in memory). */
    private static final class TreeWalker extends LookaheadIterator<String> {
        private final Path base;
        private final Deque<Iterator<Path>> stack = new ArrayDeque<>();

        TreeWalker(Path base) throws IOException {
            this.base = base;
            stack.push(FileTrees.children(base).iterator());
        }

        @Override
        String computeNext() {
            while (!stack.isEmpty()) {
                Iterator<Path> top = stack.peek();
                if (!top.hasNext()) {
                    stack.pop();
                    continue;
                }
                Path p = top.next();
                if (Files.isDirectory(p, NOFOLLOW)) {
                    try {
                        stack.push(FileTrees.children(p).iterator());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return base.relativize(p).toString().replace(File.separatorChar, '/');
            }
            return null;
        }
    }
}
