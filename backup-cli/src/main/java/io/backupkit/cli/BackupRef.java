package io.backupkit.cli;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.BackupType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a user names a backup wherever a command takes one: its id, {@code latest} (the newest backup that
 * {@link #countsAsLatest counts}), {@code latest:TYPE} (the same, of that type), or its name when exactly one backup
 * has it (restic's and pgBackRest's habits). The keyword wins over a backup named "latest".
 */
final class BackupRef {
    static final String LATEST = "latest";
    static final String DESCRIPTION = "The backup: its id, latest (newest complete, not a safety backup),"
            + " latest:TYPE (database, files, full, safety) or its name if unique.";

    private final String text;
    private final Optional<BackupId> id;
    private final Optional<BackupType> latestOfType;
    private final boolean latest;

    private BackupRef(String text, Optional<BackupId> id, boolean latest, Optional<BackupType> latestOfType) {
        this.text = text;
        this.id = id;
        this.latest = latest;
        this.latestOfType = latestOfType;
    }

    /** Parses the argument; picocli's converter. A syntax error is a usage error naming the accepted forms. */
    static BackupRef parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("an empty backup reference: give an id, latest, latest:TYPE or a name");
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals(LATEST)) {
            return new BackupRef(t, Optional.empty(), true, Optional.empty());
        }
        if (lower.startsWith(LATEST + ":")) {
            String type = lower.substring(LATEST.length() + 1);
            BackupType parsed = Arrays.stream(BackupType.values()).filter(bt -> bt.label().equals(type)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + t + "': unknown backup type '" + type
                            + "', use latest:" + Arrays.stream(BackupType.values()).map(BackupType::label)
                            .collect(Collectors.joining(", latest:"))));
            return new BackupRef(t, Optional.empty(), true, Optional.of(parsed));
        }
        try {
            return new BackupRef(t, Optional.of(BackupId.of(t)), false, Optional.empty());
        } catch (IllegalArgumentException notAnId) {
            if (!BackupRequest.sanitizeName(t).equals(t)) {
                throw notAnId;   // neither an id nor a name a backup can have: say what an id looks like
            }
            return new BackupRef(t, Optional.empty(), false, Optional.empty());
        }
    }

    /**
     * Whether a backup can be what {@code latest} means: finished and complete, and not a safety backup taken by a
     * restore (unless {@code latest:safety} asks for one). States that mark a backup unusable are excluded here,
     * the one place that decides it.
     */
    static boolean countsAsLatest(BackupInfo b, Optional<BackupType> type) {
        if (b.status() != BackupStatus.COMPLETED || b.state().completeness() != io.backupkit.api.BackupState.Completeness.COMPLETE
                || b.state().damaged()) {
            return false; // an INCOMPLETE or DAMAGED backup is never "latest"
        }
        return type.map(t -> b.type() == t).orElse(b.type() != BackupType.SAFETY);
    }

    /** The id this names in the engine's storage, or a not-found / ambiguity error that says what exists. */
    BackupId resolve(BackupEngine engine) {
        return resolve(engine, false);
    }

    /** As {@link #resolve(BackupEngine)}, but an id is taken as given when no backup has it any more (history). */
    BackupId resolveAllowingDeleted(BackupEngine engine) {
        return resolve(engine, true);
    }

    private BackupId resolve(BackupEngine engine, boolean allowDeleted) {
        if (id.isPresent() && engine.find(id.get()).isPresent()) {
            return id.get();   // an id wins over a name
        }
        if (latest) {
            BackupQuery query = latestOfType.map(BackupQuery.all()::withType).orElse(BackupQuery.all());
            return engine.list(query).stream()     // newest first
                    .filter(b -> countsAsLatest(b, latestOfType)).findFirst().map(BackupInfo::id)
                    .orElseThrow(() -> new BackupNotFoundException("'" + text + "': there is no complete "
                            + latestOfType.map(t -> t.label() + " ").orElse("") + "backup in this storage yet"
                            + " (see 'backupkit list')"));
        }
        List<BackupInfo> named = engine.list().stream().filter(b -> b.name().equals(text)).toList();
        if (named.isEmpty() && id.isPresent()) {
            if (allowDeleted) {
                return id.get();
            }
            throw ShowCommand.notFound(id.get());
        }
        if (named.isEmpty()) {
            throw new BackupNotFoundException("no backup with the id or name '" + text + "' in this storage: see"
                    + " 'backupkit list' for ids and names, or use latest / latest:TYPE");
        }
        if (named.size() > 1) {
            throw CliException.usage("the name '" + text + "' is used by " + named.size() + " backups: give one of"
                    + " their ids: " + named.stream().map(b -> b.id() + " (" + b.type().label() + ", "
                    + Output.time(b.createdAt()) + ")").collect(Collectors.joining(", ")));
        }
        return named.get(0).id();
    }

    @Override
    public String toString() {
        return text;
    }
}
