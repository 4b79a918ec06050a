package io.backupkit.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Filter for {@link BackupEngine#list(BackupQuery)}; every criterion is optional and they combine with AND.
 * Results are always newest first.
 *
 * @param type          only backups of this type
 * @param nameContains  only backups whose name contains this text (case-insensitive)
 * @param tag           only backups carrying this tag
 * @param createdFrom   only backups created at or after this instant
 * @param createdBefore only backups created before this instant
 * @param limit         at most this many results (0 = no limit)
 */
public record BackupQuery(Optional<BackupType> type, Optional<String> nameContains, Optional<String> tag,
                          Optional<Instant> createdFrom, Optional<Instant> createdBefore, int limit) {
    public BackupQuery {
        type = type == null ? Optional.empty() : type;
        nameContains = nameContains == null ? Optional.empty() : nameContains;
        tag = tag == null ? Optional.empty() : tag;
        createdFrom = createdFrom == null ? Optional.empty() : createdFrom;
        createdBefore = createdBefore == null ? Optional.empty() : createdBefore;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 = no limit), was " + limit);
        }
    }

    /** Every backup. */
    public static BackupQuery all() {
        return new BackupQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    public BackupQuery withType(BackupType t) {
        return new BackupQuery(Optional.of(t), nameContains, tag, createdFrom, createdBefore, limit);
    }

    public BackupQuery withNameContaining(String text) {
        return new BackupQuery(type, Optional.of(text), tag, createdFrom, createdBefore, limit);
    }

    public BackupQuery withTag(String t) {
        return new BackupQuery(type, nameContains, Optional.of(t), createdFrom, createdBefore, limit);
    }

    public BackupQuery createdBetween(Instant fromInclusive, Instant toExclusive) {
        return new BackupQuery(type, nameContains, tag, Optional.ofNullable(fromInclusive), Optional.ofNullable(toExclusive), limit);
    }

    public BackupQuery withLimit(int max) {
        return new BackupQuery(type, nameContains, tag, createdFrom, createdBefore, max);
    }

    /** Whether a catalogue entry passes every criterion (the limit aside). */
    public boolean matches(BackupInfo info) {
        return type.map(t -> t == info.type()).orElse(true)
                && nameContains.map(n -> info.name().toLowerCase(java.util.Locale.ROOT)
                        .contains(n.toLowerCase(java.util.Locale.ROOT))).orElse(true)
                && tag.map(info.tags()::contains).orElse(true)
                && createdFrom.map(f -> !info.createdAt().isBefore(f)).orElse(true)
                && createdBefore.map(b -> info.createdAt().isBefore(b)).orElse(true);
    }
}
