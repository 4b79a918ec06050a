package io.backupkit.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about one stored backup, kept in the storage next to its manifest (never by rewriting the
 * manifest). Two independent parts: <em>completeness</em>, fixed when the backup is made, and <em>integrity</em>,
 * which changes as the backup is verified; plus how often it was restored. The operation statuses of the history
 * ({@link BackupStatus}) are a different thing: they describe operations, this describes a backup.
 *
 * @param completeness   COMPLETE, or INCOMPLETE when the dump lacks objects ({@link #lacks})
 * @param lacks          what an INCOMPLETE backup lacks (from the manifest's database part)
 * @param partial        why the backup covers only part of what it could (e.g. {@code tables: public.orders}); empty
 *                       for a backup of everything configured. Safety backups are partial by nature.
 * @param integrity      UNVERIFIED until a verify (or an import, which checks every object) ran
 * @param checkedAt      when integrity was last established
 * @param checkedBy      who established it (an actor, or {@code import})
 * @param problems       for DAMAGED / MISSING_OBJECTS: each object that failed, as {@code path: what was wrong}
 * @param restoreCount   how many restores (not dry runs) used this backup
 * @param lastRestoredAt when it was last restored
 */
public record BackupState(Completeness completeness, List<String> lacks, String partial, Integrity integrity,
                          Optional<Instant> checkedAt, String checkedBy, List<String> problems, long restoreCount,
                          Optional<Instant> lastRestoredAt) {

    /** Fixed when the backup is made. */
    public enum Completeness {
        /** Every object of what it covers was captured. */
        COMPLETE,
        /** Taken with {@link BackupRequest#allowIncomplete()}: some objects were not captured. */
        INCOMPLETE
    }

    /** What the last check of the stored objects found. */
    public enum Integrity {
        /** Never checked since it was made. */
        UNVERIFIED,
        /** Every object's size and SHA-256 matched at {@link #checkedAt()}. */
        VERIFIED,
        /** At least one object's bytes do not match the manifest. */
        DAMAGED,
        /** Objects the manifest lists are gone from the storage (and none is merely altered). */
        MISSING_OBJECTS
    }

    public BackupState {
        Objects.requireNonNull(completeness, "completeness");
        lacks = lacks == null ? List.of() : List.copyOf(lacks);
        partial = partial == null ? "" : partial;
        Objects.requireNonNull(integrity, "integrity");
        checkedAt = checkedAt == null ? Optional.empty() : checkedAt;
        checkedBy = checkedBy == null ? "" : checkedBy;
        problems = problems == null ? List.of() : List.copyOf(problems);
        if (restoreCount < 0) {
            throw new IllegalArgumentException("restoreCount must be >= 0, was " + restoreCount);
        }
        lastRestoredAt = lastRestoredAt == null ? Optional.empty() : lastRestoredAt;
    }

    /** The state a backup has when it is made (or when no state was ever stored for it): unverified, never restored. */
    public static BackupState initial(Manifest m, String partial) {
        List<String> lacks = m.database().map(Manifest.DatabasePart::notCaptured).orElse(List.of());
        String p = partial == null || partial.isEmpty() ? m.type() == BackupType.SAFETY ? "safety backup" : "" : partial;
        return new BackupState(lacks.isEmpty() ? Completeness.COMPLETE : Completeness.INCOMPLETE, lacks, p,
                Integrity.UNVERIFIED, Optional.empty(), "", List.of(), 0, Optional.empty());
    }

    /** Whether the stored objects are known to be bad (DAMAGED or MISSING_OBJECTS). */
    public boolean damaged() {
        return integrity == Integrity.DAMAGED || integrity == Integrity.MISSING_OBJECTS;
    }

    /**
     * Whether the backup can restore the whole of what it covers: complete, not damaged, not limited to some tables,
     * not a safety backup. Only such backups are protected by retention as "newest" and fill count-based slots.
     */
    public boolean restoresEverything() {
        return completeness == Completeness.COMPLETE && !damaged() && partial.isEmpty();
    }

    /** This state after a verification (or import) found {@code problems} (none: VERIFIED). */
    public BackupState checked(Instant at, String by, List<VerifyReport.ObjectCheck> failed) {
        Integrity i = failed.isEmpty() ? Integrity.VERIFIED
                : failed.stream().allMatch(c -> c.status() == VerifyReport.CheckStatus.MISSING)
                ? Integrity.MISSING_OBJECTS : Integrity.DAMAGED;
        List<String> p = failed.stream().map(c -> c.path() + ": " + (c.detail().isEmpty() ? c.status().name()
                : c.detail())).toList();
        return new BackupState(completeness, lacks, partial, i, Optional.of(at), by, p, restoreCount, lastRestoredAt);
    }

    /** This state after one more restore. */
    public BackupState restored(Instant at) {
        return new BackupState(completeness, lacks, partial, integrity, checkedAt, checkedBy, problems,
                restoreCount + 1, Optional.of(at));
    }

    /** One line for a person, e.g. {@code VERIFIED 2026-03-04T02:00:00Z by cli:ops, restored 2 times}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(integrity.name());
        checkedAt.ifPresent(t -> sb.append(' ').append(t).append(checkedBy.isEmpty() ? "" : " by " + checkedBy));
        if (!problems.isEmpty()) {
            sb.append(" (").append(problems.size()).append(problems.size() == 1 ? " object: " : " objects: ")
                    .append(String.join("; ", problems)).append(')');
        }
        if (completeness == Completeness.INCOMPLETE) {
            sb.append(", INCOMPLETE (lacks ").append(String.join(", ", lacks)).append(')');
        }
        if (!partial.isEmpty()) {
            sb.append(", partial (").append(partial).append(')');
        }
        if (restoreCount > 0) {
            sb.append(", restored ").append(restoreCount).append(restoreCount == 1 ? " time" : " times")
                    .append(lastRestoredAt.map(t -> ", last at " + t).orElse(""));
        }
        return sb.toString();
    }
}
