package io.backupkit.api;

import io.backupkit.api.internal.Require;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What {@link BackupEngine#restore(RestoreRequest)} should do. By default every part the backup has is
 * restored to where it came from (the engine's database, the original directories), in REPLACE mode,
 * after a safety backup of what will be overwritten.
 *
 * @param backupId          the backup to restore
 * @param database          restore the database part (if the backup has one)
 * @param files             restore the files part (if the backup has one)
 * @param mode              database restore mode
 * @param tables            which of the backup's tables to restore
 * @param targetDataSource  restore into this database instead of the engine's
 * @param schemaMapping     backup schema name to target schema name (prod -> staging)
 * @param filesMode         files restore mode
 * @param overwriteExisting in {@link FileRestoreMode#MERGE}, whether files that exist are overwritten
 * @param filesTarget       restore all file roots under this directory instead of their original places
 *                          (a single-root backup's files go directly into it; with several roots, each goes
 *                          into a sub-directory named after the root)
 * @param filesTargets      per-root target directories, winning over {@code filesTarget}
 * @param validateOnly      dry run: validate everything and report what would change, touching nothing
 * @param safetyBackup      take a safety backup of what will be overwritten first
 * @param actor             who asked, recorded in the history
 * @param mergeConflicts    in {@link RestoreMode#MERGE}, what happens when a backup row's other unique key belongs
 *                          to a different target row ({@link MergeConflictPolicy#FAIL} by default)
 */
public record RestoreRequest(BackupId backupId, boolean database, boolean files, RestoreMode mode,
                             TableSelection tables, Optional<DataSource> targetDataSource,
                             Map<String, String> schemaMapping, FileRestoreMode filesMode, boolean overwriteExisting,
                             Optional<Path> filesTarget, Map<String, Path> filesTargets, boolean validateOnly,
                             boolean safetyBackup, String actor, MergeConflictPolicy mergeConflicts) {
    public RestoreRequest {
        Objects.requireNonNull(backupId, "backupId");
        if (!database && !files) {
            throw new IllegalArgumentException("nothing to restore: enable the database part, the files part, or both");
        }
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(tables, "tables");
        targetDataSource = targetDataSource == null ? Optional.empty() : targetDataSource;
        schemaMapping = Map.copyOf(schemaMapping);
        Objects.requireNonNull(filesMode, "filesMode");
        filesTarget = filesTarget == null ? Optional.empty() : filesTarget;
        filesTargets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(filesTargets));
        actor = actor == null || actor.isBlank() ? "unknown" : actor;
        Objects.requireNonNull(mergeConflicts, "mergeConflicts");
    }

    /** Restore everything in the backup to where it came from, with the defaults. */
    public static RestoreRequest of(BackupId id) {
        return builder(id).build();
    }

    public static Builder builder(BackupId id) {
        return new Builder(id);
    }

    /**
     * Builder for {@link RestoreRequest}. Each setter checks its argument at once ({@link IllegalArgumentException};
     * null is a {@link NullPointerException} naming the setting) and may be called once: a second call, or a call that
     * conflicts with an earlier one ({@link #databaseOnly()} and {@link #filesOnly()}), is an
     * {@link IllegalStateException} naming both. {@link #build()} checks what needs the whole picture
     * ({@link ConfigurationException} naming the setting to change).
     */
    public static final class Builder {
        private final BackupId backupId;
        private String parts;
        private RestoreMode mode;
        private TableSelection tables;
        private DataSource targetDataSource;
        private final Map<String, String> schemaMapping = new LinkedHashMap<>();
        private FileRestoreMode filesMode;
        private Boolean overwriteExisting;
        private Path filesTarget;
        private final Map<String, Path> filesTargets = new LinkedHashMap<>();
        private Boolean validateOnly;
        private Boolean safetyBackup;
        private String actor;
        private MergeConflictPolicy mergeConflicts;

        private Builder(BackupId backupId) {
            this.backupId = Objects.requireNonNull(backupId, "backupId");
        }

        /** Restore only the database part. */
        public Builder databaseOnly() {
            return parts("databaseOnly()");
        }

        /** Restore only the files part. */
        public Builder filesOnly() {
            return parts("filesOnly()");
        }

        private Builder parts(String call) {
            Require.state(parts == null, "%s: %s was already called; call databaseOnly() or filesOnly() once", call, parts);
            parts = call;
            return this;
        }

        /** The database restore mode; default {@link RestoreMode#REPLACE}. */
        public Builder mode(RestoreMode mode) {
            this.mode = Require.once(this.mode, mode, "mode");
            return this;
        }

        /** Which of the backup's tables to restore; default all. */
        public Builder tables(TableSelection tables) {
            this.tables = Require.once(this.tables, tables, "tables");
            return this;
        }

        /** Restore into this database instead of the engine's. */
        public Builder targetDataSource(DataSource dataSource) {
            // not shown: a DataSource's toString may carry its URL with credentials
            this.targetDataSource = Require.onceSecret(this.targetDataSource, dataSource, "targetDataSource");
            return this;
        }

        /** Restores the backup's schema {@code from} as {@code to} (prod -> staging); once per schema. */
        public Builder mapSchema(String from, String to) {
            Require.putOnce(schemaMapping, Require.nonBlank("mapSchema from", from), Require.nonBlank("mapSchema to", to),
                    "mapSchema: schema '%s' was already mapped (to '%s'); map it once");
            return this;
        }

        /** The files restore mode; default {@link FileRestoreMode#REPLACE}. */
        public Builder filesMode(FileRestoreMode mode) {
            this.filesMode = Require.once(this.filesMode, mode, "filesMode");
            return this;
        }

        /** In {@link FileRestoreMode#MERGE}, whether files that exist are overwritten; default true. */
        public Builder overwriteExisting(boolean overwrite) {
            this.overwriteExisting = Require.once(this.overwriteExisting, overwrite, "overwriteExisting");
            return this;
        }

        /** Restore all file roots under this directory instead of their original places. */
        public Builder filesTarget(Path directory) {
            this.filesTarget = Require.once(this.filesTarget, directory, "filesTarget");
            return this;
        }

        /** Restore the file root {@code rootName} into this directory (wins over {@link #filesTarget(Path)}). */
        public Builder filesTarget(String rootName, Path directory) {
            Require.putOnce(filesTargets, Require.nonBlank("filesTarget root name", rootName),
                    Objects.requireNonNull(directory, "filesTarget directory"),
                    "filesTarget for root '%s' was already set (to %s); set it once");
            return this;
        }

        /** Dry run: validate everything and report what would change, touching nothing; default false. */
        public Builder validateOnly(boolean dryRun) {
            this.validateOnly = Require.once(this.validateOnly, dryRun, "validateOnly");
            return this;
        }

        /** Take a safety backup of what will be overwritten first; default true. */
        public Builder safetyBackup(boolean take) {
            this.safetyBackup = Require.once(this.safetyBackup, take, "safetyBackup");
            return this;
        }

        /** Who asked, recorded in the history; default "unknown". */
        public Builder actor(String actor) {
            this.actor = Require.once(this.actor, Require.nonBlank("actor", actor), "actor");
            return this;
        }

        /**
         * In {@link RestoreMode#MERGE}: what to do when a backup row's other unique key belongs to a different target
         * row. Default {@link MergeConflictPolicy#FAIL}.
         */
        public Builder mergeConflicts(MergeConflictPolicy policy) {
            this.mergeConflicts = Require.once(this.mergeConflicts, policy, "mergeConflicts");
            return this;
        }

        /**
         * The request.
         *
         * @throws ConfigurationException when settings that are fine alone do not fit together
         */
        public RestoreRequest build() {
            RestoreMode mode = or(this.mode, RestoreMode.REPLACE);
            FileRestoreMode filesMode = or(this.filesMode, FileRestoreMode.REPLACE);
            boolean overwriteExisting = or(this.overwriteExisting, true);
            boolean files = !"databaseOnly()".equals(parts);
            if (mergeConflicts != null && mergeConflicts != MergeConflictPolicy.FAIL && mode != RestoreMode.MERGE) {
                throw new ConfigurationException("mergeConflicts(" + mergeConflicts + ") applies to mode(MERGE) only, but the"
                        + " mode is " + mode + ": drop it or restore with MERGE");
            }
            if (!overwriteExisting && filesMode != FileRestoreMode.MERGE) {
                throw new ConfigurationException("keeping existing files (overwriteExisting(false)) needs filesMode(MERGE):"
                        + " a " + filesMode + " restore makes each directory exactly the backup");
            }
            if (!files && (filesTarget != null || !filesTargets.isEmpty())) {
                throw new ConfigurationException("a files target was given for a restore of the database only: drop the"
                        + " files target, or restore the files too");
            }
            return new RestoreRequest(backupId, !"filesOnly()".equals(parts), files, mode, or(tables, TableSelection.ALL),
                    Optional.ofNullable(targetDataSource), schemaMapping, filesMode, overwriteExisting,
                    Optional.ofNullable(filesTarget), filesTargets, or(validateOnly, false), or(safetyBackup, true), actor,
                    or(mergeConflicts, MergeConflictPolicy.FAIL));
        }

        private static <T> T or(T value, T otherwise) {
            return value != null ? value : otherwise;
        }
    }
}
