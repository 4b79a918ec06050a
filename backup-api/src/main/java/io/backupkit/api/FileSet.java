package io.backupkit.api;

import io.backupkit.api.internal.Require;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The media files to back up: one or more named root directories with include/exclude glob patterns
 * (matched against the path relative to its root, with {@code /} separators, e.g. {@code **}{@code /*.jpg},
 * {@code cache/**}). A file is taken when it matches an include (or there are none) and no exclude.
 * Symbolic links are recorded as links, never followed, unless {@link Builder#followSymlinks(boolean)}.
 *
 * <p>A root that does not exist fails the backup with a {@link ConfigurationException}; an existing empty
 * root gives a valid backup with no files in it.
 *
 * @param roots          root name (its directory name in the archive) to directory; insertion-ordered
 * @param includes       glob patterns a file must match one of; empty = all files
 * @param excludes       glob patterns that drop a file (or a whole directory)
 * @param followSymlinks store the target's content instead of the link
 * @param oneFileSystem  stay on the file system of each root: directories that are mount points of other file
 *                       systems are left out (as {@code tar --one-file-system}, {@code restic --one-file-system})
 *
 * <p>Whatever the patterns say, the backup's own storage folder (when it lies inside a root) and BackupKit's
 * temporary files (restore staging and replaced folders, intent records) are never archived; the manifest's
 * warnings say so.
 */
public record FileSet(Map<String, Path> roots, List<String> includes, List<String> excludes, boolean followSymlinks,
                      boolean oneFileSystem) {
    public FileSet {
        Objects.requireNonNull(roots, "roots");
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("a file set needs at least one root directory");
        }
        roots.forEach((name, dir) -> {
            checkRootName(name);
            Objects.requireNonNull(dir, "directory of root " + name);
        });
        roots = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(roots));
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        includes.forEach(FileSet::checkPattern);
        excludes.forEach(FileSet::checkPattern);
    }

    /** A file set that crosses into other file systems (the form before {@code oneFileSystem}). */
    public FileSet(Map<String, Path> roots, List<String> includes, List<String> excludes, boolean followSymlinks) {
        this(roots, includes, excludes, followSymlinks, false);
    }

    /** A file set of one directory, named after the directory (e.g. {@code /srv/app/media} -> {@code media}). */
    public static FileSet of(Path directory) {
        return builder().root(directory).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void checkRootName(String name) {
        Require.label("root name", name);
    }

    private static void checkPattern(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("empty include/exclude pattern");
        }
        try {
            java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid glob pattern '" + pattern + "': " + e.getMessage(), e);
        }
    }

    /**
     * Builder for {@link FileSet}. Each setter checks its argument at once ({@link IllegalArgumentException}); a root
     * name given twice, or a setting set twice, is an {@link IllegalStateException}. {@link #root}, {@link #include}
     * and {@link #exclude} add to what was given before.
     */
    public static final class Builder {
        private final Map<String, Path> roots = new LinkedHashMap<>();
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private Boolean followSymlinks;
        private Boolean oneFileSystem;

        private Builder() {
        }

        /** Adds a root named after the directory's last path element. */
        public Builder root(Path directory) {
            Objects.requireNonNull(directory, "root directory");
            Path name = directory.toAbsolutePath().normalize().getFileName();
            return root(name == null ? "root" : name.toString(), directory);
        }

        /** Adds a root with an explicit name, which is its top-level folder in the archive. */
        public Builder root(String name, Path directory) {
            Objects.requireNonNull(name, "root name");
            Objects.requireNonNull(directory, "root directory");
            checkRootName(name);
            Require.putOnce(roots, name, directory, "two roots named '%s' (%s and %s): give one an explicit name with"
                    + " root(name, dir)");
            return this;
        }

        /** Adds glob patterns a file must match one of. */
        public Builder include(String... globs) {
            List.of(globs).forEach(FileSet::checkPattern);
            includes.addAll(List.of(globs));
            return this;
        }

        /** Adds glob patterns that drop a file (or a whole directory). */
        public Builder exclude(String... globs) {
            List.of(globs).forEach(FileSet::checkPattern);
            excludes.addAll(List.of(globs));
            return this;
        }

        /** Store a symbolic link's target instead of the link (default false). */
        public Builder followSymlinks(boolean follow) {
            this.followSymlinks = Require.once(this.followSymlinks, follow, "followSymlinks");
            return this;
        }

        /** Leaves out directories that are mount points of other file systems (default false). */
        public Builder oneFileSystem(boolean stay) {
            this.oneFileSystem = Require.once(this.oneFileSystem, stay, "oneFileSystem");
            return this;
        }

        /**
         * The file set.
         *
         * @throws ConfigurationException when no root was added
         */
        public FileSet build() {
            if (roots.isEmpty()) {
                throw new ConfigurationException("a file set needs at least one root directory: call root(dir)");
            }
            return new FileSet(roots, includes, excludes, followSymlinks != null && followSymlinks,
                    oneFileSystem != null && oneFileSystem);
        }
    }
}
