package io.backupkit.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting the CLI reads: its configuration-file key, the flag that sets it (if any), the commands that use
 * it, its default. docs/CLI.md's settings table is checked against this list, so the two never drift apart.
 */
final class SettingKeys {
    /**
     * One setting.
     *
     * @param key      the configuration-file key (dotted: {@code retention.keep-last} is {@code retention: keep-last:})
     * @param flag     the flag that sets it on the command line, or empty
     * @param list     whether it holds several values (comma-separated in the environment and .properties)
     * @param fallback the default, or empty for none
     */
    record Key(String key, String flag, boolean list, String fallback) {
        String env() {
            return "BACKUPKIT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    static final List<Key> ALL = List.of(
            new Key("storage", "--storage", false, ""),
            new Key("db.url", "--db", false, ""),
            new Key("db.user", "--db-user", false, ""),
            new Key("db.password-file", "--db-password-file", false, ""),
            new Key("no-progress-timeout", "--no-progress-timeout", false, "10m"),
            new Key("dumper", "--dumper", false, "builtin"),
            new Key("files.dirs", "--files", true, ""),
            new Key("files.include", "--include", true, ""),
            new Key("files.exclude", "--exclude", true, ""),
            new Key("files.one-file-system", "--one-file-system", false, "false"),
            new Key("tables.include", "--tables", true, ""),
            new Key("tables.exclude", "--exclude-tables", true, ""),
            new Key("compression.codec", "--compression", false, "zstd"),
            new Key("compression.level", "--level", false, "3"),
            new Key("backup.type", "--type", false, ""),
            new Key("backup.allow-incomplete", "--allow-incomplete", false, "false"),
            new Key("backup.cleanup", "--cleanup", false, "false"),
            new Key("retention.keep-last", "--keep-last", false, ""),
            new Key("retention.keep-within", "--keep-within", false, ""),
            new Key("retention.keep-daily", "--keep-daily", false, ""),
            new Key("retention.keep-weekly", "--keep-weekly", false, ""),
            new Key("retention.keep-monthly", "--keep-monthly", false, ""),
            new Key("retention.keep-yearly", "--keep-yearly", false, ""),
            new Key("retention.max-count", "--max-count", false, ""),
            new Key("retention.max-size", "--max-size", false, ""),
            new Key("retention.per-type", "--per-type", false, "false"),
            new Key("import.max-size", "--max-size", false, "1TiB"),
            new Key("schedule.enabled", "", false, "true"),
            new Key("schedule.cron", "--cron", false, ""),
            new Key("schedule.every", "--every", false, ""),
            new Key("schedule.zone", "--zone", false, ""),
            new Key("schedule.job", "--job", false, "backupkit"),
            new Key("schedule.catch-up", "--catch-up", false, "false"),
            new Key("health.max-age", "--max-age", false, "25h"),
            new Key("health.max-size", "--max-size", false, ""),
            new Key("health.failed-runs", "--failed-runs", false, "2"),
            new Key("actor", "", false, ""));

    /**
     * Keys other tools (and the seeds' own settings) use, with the key that means it here: a configuration file
     * using them is refused naming the right key, never silently ignored.
     */
    static final Map<String, String> HINTS = Map.ofEntries(
            Map.entry("retention-days", "retention.keep-within: 30d (keep every backup younger than 30 days)"),
            Map.entry("retention.days", "retention.keep-within: 30d (keep every backup younger than 30 days)"),
            Map.entry("backup.retention-days", "retention.keep-within: 30d (keep every backup younger than 30 days)"),
            Map.entry("keep-days", "retention.keep-within: 30d (keep every backup younger than 30 days)"),
            Map.entry("max-files", "retention.max-count: 10 (keep at most 10 backups)"),
            Map.entry("max-backup-files", "retention.max-count: 10 (keep at most 10 backups)"),
            Map.entry("retention.max-files", "retention.max-count: 10 (keep at most 10 backups)"),
            Map.entry("auto-cleanup", "backup.cleanup: true (apply the retention.* rules after each backup)"),
            Map.entry("cleanup", "backup.cleanup: true (apply the retention.* rules after each backup)"),
            Map.entry("max-upload-size", "import.max-size: 5GB (the largest file 'import' accepts)"),
            Map.entry("max-backup-file-size", "import.max-size: 100MB (the largest file 'import' accepts)"),
            Map.entry("upload.max-size", "import.max-size: 5GB (the largest file 'import' accepts)"),
            Map.entry("auto-backup", "schedule.enabled: true (and schedule.cron: '0 2 * * *')"),
            Map.entry("auto-backup-enabled", "schedule.enabled: true (and schedule.cron: '0 2 * * *')"),
            Map.entry("compression-level", "compression.level: 6"),
            Map.entry("storage-path", "storage: file:./backups"),
            Map.entry("storage-type", "storage: file:./backups (or s3://bucket/prefix, gdrive://FOLDER-ID)"),
            Map.entry("db.password", "db.password-file: /run/secrets/db-password (or BACKUPKIT_DB_PASSWORD)"));

    private SettingKeys() {
    }

    static Optional<Key> find(String key) {
        return ALL.stream().filter(k -> k.key().equals(key)).findFirst();
    }

    /** The hint for a key that is not one: seed-style spellings ({@code retention_days}) normalised first. */
    static Optional<String> hint(String key) {
        String normal = key.toLowerCase(Locale.ROOT).replace('_', '-');
        if (normal.startsWith("backup-")) {
            normal = normal.substring("backup-".length());
        }
        if (find(normal).isPresent()) {
            return Optional.of(normal);
        }
        return Optional.ofNullable(HINTS.get(normal));
    }

    static List<String> keys() {
        return ALL.stream().map(Key::key).toList();
    }
}
