package io.backupkit.spring.boot;

import io.backupkit.api.BackupRequest;
import io.backupkit.api.Compression;
import io.backupkit.api.FileSet;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import io.backupkit.api.TableSelection;
import io.backupkit.core.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Turns {@link BackupKitProperties} into the library's values, each checked: a wrong value is an
 * {@link InvalidPropertyException} naming the property, so start-up fails with a message the operator can act on.
 */
public final class PropertySettings {
    private final BackupKitProperties properties;

    public PropertySettings(BackupKitProperties properties) {
        this.properties = properties;
    }

    public BackupKitProperties properties() {
        return properties;
    }

    /** The storage URI text; blank is an error. */
    public String storage() {
        String s = properties.storage();
        if (s == null || s.isBlank()) {
            throw new InvalidPropertyException("backupkit.storage", "is empty: set a storage URI such as file:./backups,"
                    + " s3://bucket/prefix or gdrive://FOLDER-ID");
        }
        return s.strip();
    }

    public Optional<Integer> parallelism() {
        Integer p = properties.parallelism();
        if (p != null && (p < 1 || p > 64)) {
            throw new InvalidPropertyException("backupkit.parallelism", "must be between 1 and 64, was " + p);
        }
        return Optional.ofNullable(p);
    }

    /** The no-progress timeout, if set; checked as the engine builder checks it. */
    public Optional<Duration> noProgressTimeout() {
        Duration d = properties.noProgressTimeout();
        if (d != null && (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(7)) > 0)) {
            throw new InvalidPropertyException("backupkit.no-progress-timeout", "must be between 1s and 7d, was " + d);
        }
        return Optional.ofNullable(d);
    }

    public TableSelection tables() {
        BackupKitProperties.Database db = properties.database();
        return check("backupkit.database.include/exclude", () -> new TableSelection(db.include(), db.exclude()));
    }

    /** The media file set, or empty when no root is configured. */
    public Optional<FileSet> files() {
        BackupKitProperties.Files f = properties.files();
        if (f.roots().isEmpty()) {
            if (!f.include().isEmpty() || !f.exclude().isEmpty()) {
                throw new InvalidPropertyException("backupkit.files.roots", "include/exclude patterns are set but no root"
                        + " directory: add e.g. backupkit.files.roots.uploads=./uploads");
            }
            return Optional.empty();
        }
        return Optional.of(check("backupkit.files", () -> {
            FileSet.Builder b = FileSet.builder();
            f.roots().forEach((name, dir) -> b.root(name, dir.toAbsolutePath().normalize()));
            return b.include(f.include().toArray(String[]::new)).exclude(f.exclude().toArray(String[]::new))
                    .followSymlinks(f.followSymlinks()).build();
        }));
    }

    /** The configured media roots, absolute and normalised: the only places a restore over the API may write to. */
    public Map<String, Path> fileRoots() {
        return files().map(FileSet::roots).orElse(Map.of());
    }

    public Compression compression() {
        BackupKitProperties.Compression c = properties.compression();
        String codec = c.codec() == null ? "" : c.codec().strip().toLowerCase(Locale.ROOT);
        Compression.Codec parsed = switch (codec) {
            case "zstd" -> Compression.Codec.ZSTD;
            case "gzip" -> Compression.Codec.GZIP;
            case "none" -> Compression.Codec.NONE;
            default -> throw new InvalidPropertyException("backupkit.compression.codec", "unknown codec '" + c.codec()
                    + "': use zstd, gzip or none");
        };
        int level = c.level() != null ? c.level() : switch (parsed) {
            case ZSTD -> 3;
            case GZIP -> 6;
            case NONE -> 0;
        };
        return check("backupkit.compression.level", () -> new Compression(parsed, level));
    }

    public HealthPolicy healthPolicy() {
        BackupKitProperties.Health h = properties.health();
        if (h.maxAge() == null || h.maxAge().isNegative() || h.maxAge().isZero()) {
            throw new InvalidPropertyException("backupkit.health.max-age", "must be a positive duration, e.g. 25h, was "
                    + h.maxAge());
        }
        if (h.maxStoredSize() != null && h.maxStoredSize().toBytes() <= 0) {
            throw new InvalidPropertyException("backupkit.health.max-stored-size", "must be positive, was " + h.maxStoredSize());
        }
        if (h.failedRunsInARow() < 1) {
            throw new InvalidPropertyException("backupkit.health.failed-runs-in-a-row", "must be 1 or more, was "
                    + h.failedRunsInARow());
        }
        return new HealthPolicy(h.maxAge(), h.maxStoredSize() == null ? OptionalLong.empty()
                : OptionalLong.of(h.maxStoredSize().toBytes()), h.failedRunsInARow());
    }

    /** The retention rules, or empty when no rule is set. */
    public Optional<RetentionRules> retention() {
        BackupKitProperties.Retention r = properties.retention();
        int keepLast = positive("backupkit.retention.keep-last", r.keepLast());
        int daily = positive("backupkit.retention.keep-daily", r.keepDaily());
        int weekly = positive("backupkit.retention.keep-weekly", r.keepWeekly());
        int monthly = positive("backupkit.retention.keep-monthly", r.keepMonthly());
        int yearly = positive("backupkit.retention.keep-yearly", r.keepYearly());
        int maxCount = positive("backupkit.retention.max-count", r.maxCount());
        Duration within = r.keepWithin();
        if (within != null && (within.isNegative() || within.isZero())) {
            throw new InvalidPropertyException("backupkit.retention.keep-within", "must be a positive duration, e.g. 7d, was "
                    + within);
        }
        long maxBytes = 0;
        if (r.maxSize() != null) {
            maxBytes = r.maxSize().toBytes();
            if (maxBytes <= 0) {
                throw new InvalidPropertyException("backupkit.retention.max-size", "must be positive, e.g. 200GB, was "
                        + r.maxSize());
            }
        }
        if (keepLast == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0 && maxCount == 0 && within == null
                && maxBytes == 0) {
            return Optional.empty();
        }
        long bytes = maxBytes;
        return Optional.of(check("backupkit.retention", () -> RetentionRules.of(new RetentionPolicy(keepLast,
                Optional.ofNullable(within), daily, weekly, monthly, yearly, maxCount, bytes))));
    }

    /** The backup schedule, or empty when no cron expression is set. */
    public Optional<Schedule> schedule() {
        BackupKitProperties.Schedule s = properties.schedule();
        if (s.cron() == null || s.cron().isBlank()) {
            return Optional.empty();
        }
        String cron = s.cron().strip();
        int fields = cron.split("\\s+").length;
        if (fields != 5) {
            throw new InvalidPropertyException("backupkit.schedule.cron", "'" + cron + "' has " + fields + " fields: write"
                    + " five-field Unix cron (minute hour day-of-month month day-of-week), e.g. '0 2 * * *' for 02:00 daily");
        }
        ZoneId zone = s.zone() != null ? s.zone() : ZoneId.systemDefault();
        return Optional.of(check("backupkit.schedule.cron", () -> Schedule.cron(cron, zone)));
    }

    /** What a scheduled run backs up. */
    public BackupRequest scheduledRequest() {
        BackupKitProperties.Schedule s = properties.schedule();
        return check("backupkit.schedule.type", () -> BackupRequest.builder(s.type()).name(s.name())
                .actor("scheduler").build());
    }

    public long maxUploadBytes() {
        long bytes = properties.web().maxUploadSize() == null ? -1 : properties.web().maxUploadSize().toBytes();
        if (bytes <= 0) {
            throw new InvalidPropertyException("backupkit.web.max-upload-size", "must be positive, e.g. 10GB, was "
                    + properties.web().maxUploadSize());
        }
        return bytes;
    }

    /** The base path, with a leading slash and no trailing one. */
    public String basePath() {
        String p = properties.web().basePath();
        if (p == null || !p.startsWith("/") || p.length() < 2 || p.endsWith("/") || !p.matches("[A-Za-z0-9/_.-]+")) {
            throw new InvalidPropertyException("backupkit.web.base-path", "must start with / and name a path, e.g."
                    + " /backupkit or /admin/backups, was '" + p + "'");
        }
        return p;
    }

    public String authority() {
        String a = properties.web().authority();
        if (a == null || a.isBlank()) {
            throw new InvalidPropertyException("backupkit.web.authority", "is empty: name the authority an administrator"
                    + " has, e.g. ROLE_BACKUP_ADMIN");
        }
        return a.strip();
    }

    /** Checks every setting once, so that a wrong one fails start-up even if nothing would read it until later. */
    public void validateAll() {
        storage();
        parallelism();
        noProgressTimeout();
        tables();
        files();
        compression();
        healthPolicy();
        retention();
        schedule();
        scheduledRequest();
        maxUploadBytes();
        basePath();
        authority();
    }

    private static int positive(String property, Integer value) {
        if (value == null) {
            return 0;
        }
        if (value < 1) {
            throw new InvalidPropertyException(property, "must be 1 or more, was " + value);
        }
        return value;
    }

    private static <T> T check(String property, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(property, e.getMessage(), e);
        }
    }
}
