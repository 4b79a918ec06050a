package io.backupkit.api;

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

    /** Builder for {@link RestoreRequest}. */
    public static final class Builder {
        private final BackupId backupId;
        private boolean database = true;
        private boolean files = true;
        private RestoreMode mode = RestoreMode.REPLACE;
        private TableSelection tables = TableSelection.ALL;
        private DataSource targetDataSource;
        private final Map<String, String> schemaMapping = new LinkedHashMap<>();
        private FileRestoreMode filesMode = FileRestoreMode.REPLACE;
        private boolean overwriteExisting = true;
        private Path filesTarget;
        private final Map<String, Path> filesTargets = new LinkedHashMap<>();
        private boolean validateOnly;
        private boolean safetyBackup = true;
        private String actor;
        private MergeConflictPolicy mergeConflicts;

        private Builder(BackupId backupId) {
            this.backupId = Objects.requireNonNull(backupId, "backupId");
        }

        /** Restore only the database part. */
        public Builder databaseOnly() {
            database = true;
            files = false;
            return this;
        }

        /** Restore only the files part. */
        public Builder filesOnly() {
            database = false;
            files = true;
            return this;
        }

        public Builder mode(RestoreMode mode) {
            this.mode = mode;
            return this;
        }

        public Builder tables(TableSelection tables) {
            this.tables = tables;
            return this;
        }

        public Builder targetDataSource(DataSource dataSource) {
            this.targetDataSource = dataSource;
            return this;
        }

        public Builder mapSchema(String from, String to) {
            schemaMapping.put(from, to);
            return this;
        }

        public Builder filesMode(FileRestoreMode mode) {
            this.filesMode = mode;
            return this;
        }

        public Builder overwriteExisting(boolean overwrite) {
            this.overwriteExisting = overwrite;
            return this;
        }

        public Builder filesTarget(Path directory) {
            this.filesTarget = directory;
            return this;
        }

        public Builder filesTarget(String rootName, Path directory) {
            filesTargets.put(rootName, directory);
            return this;
        }

        public Builder validateOnly(boolean dryRun) {
            this.validateOnly = dryRun;
            return this;
        }

        public Builder safetyBackup(boolean take) {
            this.safetyBackup = take;
            return this;
        }

        public Builder actor(String actor) {
            this.actor = actor;
            return this;
        }

        /**
         * In {@link RestoreMode#MERGE}: what to do when a backup row's other unique key belongs to a different target
         * row. Default {@link MergeConflictPolicy#FAIL}.
         */
        public Builder mergeConflicts(MergeConflictPolicy policy) {
            if (policy == null) {
                throw new IllegalArgumentException("mergeConflicts: a policy is required (FAIL or OVERWRITE_TARGET_ROW)");
            }
            if (mergeConflicts != null) {
                throw new IllegalStateException("mergeConflicts was already set to " + mergeConflicts);
            }
            this.mergeConflicts = policy;
            return this;
        }

        public RestoreRequest build() {
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
            return new RestoreRequest(backupId, database, files, mode, tables, Optional.ofNullable(targetDataSource),
                    schemaMapping, filesMode, overwriteExisting, Optional.ofNullable(filesTarget), filesTargets,
                    validateOnly, safetyBackup, actor, mergeConflicts == null ? MergeConflictPolicy.FAIL : mergeConflicts);
        }
    }
}
