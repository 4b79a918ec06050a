package io.backupkit.api;

import io.backupkit.api.internal.Require;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link BackupEngine#backup(BackupRequest)} should take. Only the type is required; the database,
 * file set and compression default to the engine's configuration.
 *
 * @param type        DATABASE, FILES or FULL (SAFETY backups are taken by the engine itself)
 * @param name        human name; sanitised to letters, digits, space and {@code . _ -}, at most 100 chars
 * @param notes       free text kept in the manifest
 * @param tags        labels for filtering
 * @param tables      tables to include, overriding the engine's default selection
 * @param files       media files to include, overriding the engine's file set
 * @param compression overrides the engine's compression
 * @param actor       who asked (user name, "scheduler"), recorded in the history
 * @param allowIncomplete whether the backup may succeed without objects the dumper cannot capture (INCOMPLETE)
 */
public record BackupRequest(BackupType type, String name, String notes, Set<String> tags,
                            Optional<TableSelection> tables, Optional<FileSet> files,
                            Optional<Compression> compression, String actor, boolean allowIncomplete) {
    public BackupRequest {
        Objects.requireNonNull(type, "type");
        if (type == BackupType.SAFETY) {
            throw new IllegalArgumentException("SAFETY backups are taken by the engine before a restore; request DATABASE, FILES or FULL");
        }
        name = sanitizeName(name);
        notes = notes == null ? "" : notes;
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        tags.forEach(BackupRequest::checkTag);
        tables = tables == null ? Optional.empty() : tables;
        files = files == null ? Optional.empty() : files;
        compression = compression == null ? Optional.empty() : compression;
        actor = actor == null || actor.isBlank() ? "unknown" : actor;
    }

    /** A request that fails when the dumper cannot capture every object of the database. */
    public BackupRequest(BackupType type, String name, String notes, Set<String> tags, Optional<TableSelection> tables,
                         Optional<FileSet> files, Optional<Compression> compression, String actor) {
        this(type, name, notes, tags, tables, files, compression, actor, false);
    }

    public static BackupRequest of(BackupType type) {
        return builder(type).build();
    }

    public static Builder builder(BackupType type) {
        return new Builder(type);
    }

    /**
     * Reduces a caller-given name to a safe label: letters, digits, space, dot, underscore and dash;
     * other characters become {@code _}; trimmed; at most 100 characters.
     */
    public static String sanitizeName(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        raw.strip().codePoints().limit(100).forEach(cp -> {
            boolean safe = Character.isLetterOrDigit(cp) || cp == ' ' || cp == '.' || cp == '_' || cp == '-';
            sb.appendCodePoint(safe ? cp : '_');
        });
        return sb.toString().strip();
    }

    private static void checkTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        Require.argument(!tag.isBlank() && tag.length() <= 64 && tag.chars().noneMatch(Character::isISOControl),
                "invalid tag '%s': 1-64 printable characters", tag);
    }

    /**
     * Builder for {@link BackupRequest}. Each setter checks its argument at once ({@link IllegalArgumentException})
     * and may be called once ({@link IllegalStateException} naming the setting); {@link #tag} adds to the tags.
     */
    public static final class Builder {
        private final BackupType type;
        private String name;
        private String notes;
        private final Set<String> tags = new LinkedHashSet<>();
        private TableSelection tables;
        private FileSet files;
        private Compression compression;
        private String actor;
        private Boolean allowIncomplete;

        private Builder(BackupType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** A human name (null: none); sanitised as {@link BackupRequest#sanitizeName} says. */
        public Builder name(String name) {
            this.name = Require.once(this.name, name == null ? "" : name, "name");
            return this;
        }

        /** Free text kept in the manifest (null: none). */
        public Builder notes(String notes) {
            this.notes = Require.once(this.notes, notes == null ? "" : notes, "notes");
            return this;
        }

        /** Adds labels for filtering, each of 1-64 printable characters. */
        public Builder tag(String... more) {
            for (String t : more) {
                checkTag(t);
            }
            tags.addAll(List.of(more));
            return this;
        }

        /** The tables to include, overriding the engine's default selection. */
        public Builder tables(TableSelection selection) {
            this.tables = Require.once(this.tables, selection, "tables");
            return this;
        }

        /** The media files to include, overriding the engine's file set. */
        public Builder files(FileSet fileSet) {
            this.files = Require.once(this.files, fileSet, "files");
            return this;
        }

        /** The compression, overriding the engine's. */
        public Builder compression(Compression compression) {
            this.compression = Require.once(this.compression, compression, "compression");
            return this;
        }

        /** Who asked (user name, "scheduler"), recorded in the history; default "unknown". */
        public Builder actor(String actor) {
            this.actor = Require.once(this.actor, Require.nonBlank("actor", actor), "actor");
            return this;
        }

        /**
         * Whether a backup may succeed although the dumper cannot capture some objects of the database (default
         * false: such a backup fails, naming each object). A backup taken this way is INCOMPLETE: its manifest lists
         * what it lacks ({@link Manifest.DatabasePart#notCaptured()}) and every listing marks it.
         */
        public Builder allowIncomplete(boolean allow) {
            this.allowIncomplete = Require.once(this.allowIncomplete, allow, "allowIncomplete");
            return this;
        }

        public BackupRequest build() {
            return new BackupRequest(type, name, notes, tags, Optional.ofNullable(tables), Optional.ofNullable(files),
                    Optional.ofNullable(compression), actor, allowIncomplete != null && allowIncomplete);
        }
    }
}
