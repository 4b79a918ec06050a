package io.backupkit.spring.boot;

import io.backupkit.api.BackupType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code backupkit.*} setting, bound once at start-up into immutable records (constructor binding). The values
 * are checked when the engine is built ({@link PropertySettings}): a wrong one fails the start-up with a message naming
 * the property.
 *
 * @param enabled           whether BackupKit is auto-configured at all
 * @param storage           where backups are kept: file:./backups (relative to the working directory),
 *                          file:/var/backups/app, s3://bucket/prefix?region=eu-central-1, gdrive://FOLDER-ID; ignored
 *                          when the application defines a StorageProvider bean
 * @param parallelism       worker connections a dumper may use for one backup or restore (1-64; default: cores, at
 *                          most 4)
 * @param noProgressTimeout how long a backup or restore may move no rows, bytes or files while the database reports no
 *                          work for it before it is given up and its storage lock released (1 s to 7 days; default 10
 *                          minutes); a long CREATE INDEX is work
 * @param database          the application's database (its DataSource bean)
 * @param files             the application's media files
 * @param compression       how backups are compressed
 * @param schedule          a scheduled backup, started and stopped with the application context
 * @param retention         retention rules (restic forget semantics, as the CLI's cleanup flags); none set = keep
 *                          everything
 * @param health            what the health indicator reports as a problem
 * @param web               the REST API and admin page
 */
@ConfigurationProperties("backupkit")
public record BackupKitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("file:./backups") String storage,
        Integer parallelism,
        Duration noProgressTimeout,
        @DefaultValue Database database,
        @DefaultValue Files files,
        @DefaultValue Compression compression,
        @DefaultValue Schedule schedule,
        @DefaultValue Retention retention,
        @DefaultValue Health health,
        @DefaultValue Web web) {

    /**
     * The application's database (its DataSource bean).
     *
     * @param enabled whether backups include the application's DataSource; off = files-only backups
     * @param include tables to back up (schema.table or table, * and ? wildcards); empty = all
     * @param exclude tables to leave out (same patterns)
     */
    public record Database(@DefaultValue("true") boolean enabled, List<String> include, List<String> exclude) {
        public Database {
            include = listOrEmpty(include);
            exclude = listOrEmpty(exclude);
        }
    }

    /**
     * The application's media files.
     *
     * @param roots          named media roots: root name (its folder in the archive) to directory, e.g.
     *                       uploads=./uploads
     * @param include        glob patterns (relative to a root, / separators) a file must match one of; empty = all
     *                       files
     * @param exclude        glob patterns that leave a file or a whole directory out, e.g. cache/**
     * @param followSymlinks store a symbolic link's target instead of the link
     */
    public record Files(Map<String, Path> roots, List<String> include, List<String> exclude, boolean followSymlinks) {
        public Files {
            // in the order written: the archive lists roots in that order
            roots = roots == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roots));
            include = listOrEmpty(include);
            exclude = listOrEmpty(exclude);
        }
    }

    /**
     * How backups are compressed.
     *
     * @param codec zstd, gzip or none
     * @param level zstd 1-19 (default 3), gzip 1-9 (default 6), none 0
     */
    public record Compression(@DefaultValue("zstd") String codec, Integer level) {
    }

    /**
     * A scheduled backup, started and stopped with the application context.
     *
     * @param cron           five-field Unix cron (minute hour day-of-month month day-of-week), e.g. "0 2 * * *";
     *                       empty = no schedule
     * @param zone           time zone the cron expression is read in (default: the system zone)
     * @param catchUp        run a slot missed while no instance was running, once, at start-up
     * @param type           what the scheduled backup takes: FULL, DATABASE or FILES
     * @param name           the job's name; instances sharing one storage run each slot of a job once among them
     * @param applyRetention apply the retention rules after each successful scheduled backup (when rules are set)
     */
    public record Schedule(String cron, ZoneId zone, boolean catchUp, @DefaultValue("FULL") BackupType type,
                           @DefaultValue("backupkit-scheduled") String name,
                           @DefaultValue("true") boolean applyRetention) {
    }

    /**
     * Retention rules; none set = keep everything.
     *
     * @param keepLast    keep the N newest backups
     * @param keepWithin  keep every backup younger than this, e.g. 7d or 36h
     * @param keepDaily   keep the newest backup of each of the last N days with one
     * @param keepWeekly  likewise per ISO week
     * @param keepMonthly likewise per calendar month
     * @param keepYearly  likewise per calendar year
     * @param maxCount    keep at most N backups (oldest unprotected go first)
     * @param maxSize     keep at most this much stored data, e.g. 200GB
     */
    public record Retention(Integer keepLast, Duration keepWithin, Integer keepDaily, Integer keepWeekly,
                            Integer keepMonthly, Integer keepYearly, Integer maxCount, DataSize maxSize) {
    }

    /**
     * What the health indicator reports as a problem.
     *
     * @param maxAge           the newest successful backup must be younger than this, else the component is
     *                         OUT_OF_DATE
     * @param maxStoredSize    storage use above this is a problem (empty = no limit)
     * @param failedRunsInARow this many most recent backup runs all failed is a problem
     * @param affectsApp       whether a problem makes the component DOWN (and so the application's aggregate health);
     *                         by default it reports OUT_OF_DATE, which leaves the application's status as it is
     */
    public record Health(@DefaultValue("25h") Duration maxAge, DataSize maxStoredSize,
                         @DefaultValue("2") int failedRunsInARow, boolean affectsApp) {
    }

    /**
     * The REST API and admin page.
     *
     * @param enabled        whether the REST API and admin page are served; default: on when Spring Security is
     *                       present; without it they are served only when this is true and allow-anonymous is true
     * @param allowAnonymous serve the API without Spring Security, to anyone who can reach it (a warning is logged)
     * @param authority      the authority every request needs
     * @param basePath       where the page is served; the API is under {base-path}/api
     * @param maxUploadSize  the largest backup file an upload accepts
     */
    public record Web(Boolean enabled, boolean allowAnonymous, @DefaultValue("ROLE_BACKUP_ADMIN") String authority,
                      @DefaultValue("/backupkit") String basePath, @DefaultValue("10GB") DataSize maxUploadSize) {
    }

    private static List<String> listOrEmpty(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
