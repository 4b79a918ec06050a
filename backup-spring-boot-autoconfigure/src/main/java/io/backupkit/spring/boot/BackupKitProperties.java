package io.backupkit.spring.boot;

import io.backupkit.api.BackupType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code backupkit.*} setting. The values are checked when the engine is built: a wrong one fails the start-up
 * with a message naming the property.
 */
@ConfigurationProperties("backupkit")
public class BackupKitProperties {
    /** Whether BackupKit is auto-configured at all. */
    private boolean enabled = true;

    /**
     * Where backups are kept: file:./backups (relative to the working directory), file:/var/backups/app,
     * s3://bucket/prefix?region=eu-central-1, gdrive://FOLDER-ID. Ignored when the application defines a
     * StorageProvider bean.
     */
    private String storage = "file:./backups";

    /** Worker connections a dumper may use for one backup or restore (1-64; default: cores, at most 4). */
    private Integer parallelism;

    /**
     * How long a backup or restore may move no rows, bytes or files while the database reports no work for it before
     * it is given up and its storage lock released (1 s to 7 days; default 10 minutes). A long CREATE INDEX is work.
     */
    private java.time.Duration noProgressTimeout;

    private final Database database = new Database();
    private final Files files = new Files();
    private final Compression compression = new Compression();
    private final Schedule schedule = new Schedule();
    private final Retention retention = new Retention();
    private final Health health = new Health();
    private final Web web = new Web();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
    }

    public Integer getParallelism() {
        return parallelism;
    }

    public void setParallelism(Integer parallelism) {
        this.parallelism = parallelism;
    }

    public java.time.Duration getNoProgressTimeout() {
        return noProgressTimeout;
    }

    public void setNoProgressTimeout(java.time.Duration noProgressTimeout) {
        this.noProgressTimeout = noProgressTimeout;
    }

    public Database getDatabase() {
        return database;
    }

    public Files getFiles() {
        return files;
    }

    public Compression getCompression() {
        return compression;
    }

    public Schedule getSchedule() {
        return schedule;
    }

    public Retention getRetention() {
        return retention;
    }

    public Health getHealth() {
        return health;
    }

    public Web getWeb() {
        return web;
    }

    /** The application's database (its DataSource bean). */
    public static class Database {
        /** Whether backups include the application's DataSource; off = files-only backups. */
        private boolean enabled = true;
        /** Tables to back up (schema.table or table, * and ? wildcards); empty = all. */
        private List<String> include = new ArrayList<>();
        /** Tables to leave out (same patterns). */
        private List<String> exclude = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getInclude() {
            return include;
        }

        public void setInclude(List<String> include) {
            this.include = include;
        }

        public List<String> getExclude() {
            return exclude;
        }

        public void setExclude(List<String> exclude) {
            this.exclude = exclude;
        }
    }

    /** The application's media files. */
    public static class Files {
        /** Named media roots: root name (its folder in the archive) to directory, e.g. uploads=./uploads. */
        private Map<String, Path> roots = new LinkedHashMap<>();
        /** Glob patterns (relative to a root, / separators) a file must match one of; empty = all files. */
        private List<String> include = new ArrayList<>();
        /** Glob patterns that leave a file or a whole directory out, e.g. cache/**. */
        private List<String> exclude = new ArrayList<>();
        /** Store a symbolic link's target instead of the link. */
        private boolean followSymlinks;

        public Map<String, Path> getRoots() {
            return roots;
        }

        public void setRoots(Map<String, Path> roots) {
            this.roots = roots;
        }

        public List<String> getInclude() {
            return include;
        }

        public void setInclude(List<String> include) {
            this.include = include;
        }

        public List<String> getExclude() {
            return exclude;
        }

        public void setExclude(List<String> exclude) {
            this.exclude = exclude;
        }

        public boolean isFollowSymlinks() {
            return followSymlinks;
        }

        public void setFollowSymlinks(boolean followSymlinks) {
            this.followSymlinks = followSymlinks;
        }
    }

    /** Compression of stored objects. */
    public static class Compression {
        /** zstd, gzip or none. */
        private String codec = "zstd";
        /** Level: zstd 1-19 (default 3), gzip 1-9 (default 6), none 0. */
        private Integer level;

        public String getCodec() {
            return codec;
        }

        public void setCodec(String codec) {
            this.codec = codec;
        }

        public Integer getLevel() {
            return level;
        }

        public void setLevel(Integer level) {
            this.level = level;
        }
    }

    /** A scheduled backup, started and stopped with the application context. */
    public static class Schedule {
        /** Five-field Unix cron (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"; empty = no schedule. */
        private String cron;
        /** Time zone the cron expression is read in (default: the system zone). */
        private ZoneId zone;
        /** Run a slot missed while no instance was running, once, at start-up. */
        private boolean catchUp;
        /** What the scheduled backup takes: FULL, DATABASE or FILES. */
        private BackupType type = BackupType.FULL;
        /** The job's name; instances sharing one storage run each slot of a job once among them. */
        private String name = "backupkit-scheduled";
        /** Apply the retention rules after each successful scheduled backup (when rules are set). */
        private boolean applyRetention = true;

        public String getCron() {
            return cron;
        }

        public void setCron(String cron) {
            this.cron = cron;
        }

        public ZoneId getZone() {
            return zone;
        }

        public void setZone(ZoneId zone) {
            this.zone = zone;
        }

        public boolean isCatchUp() {
            return catchUp;
        }

        public void setCatchUp(boolean catchUp) {
            this.catchUp = catchUp;
        }

        public BackupType getType() {
            return type;
        }

        public void setType(BackupType type) {
            this.type = type;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public boolean isApplyRetention() {
            return applyRetention;
        }

        public void setApplyRetention(boolean applyRetention) {
            this.applyRetention = applyRetention;
        }
    }

    /** Retention rules (restic forget semantics, as the CLI's cleanup flags); none set = keep everything. */
    public static class Retention {
        /** Keep the N newest backups. */
        private Integer keepLast;
        /** Keep every backup younger than this, e.g. 7d or 36h. */
        private Duration keepWithin;
        /** Keep the newest backup of each of the last N days with one. */
        private Integer keepDaily;
        /** Likewise per ISO week. */
        private Integer keepWeekly;
        /** Likewise per calendar month. */
        private Integer keepMonthly;
        /** Likewise per calendar year. */
        private Integer keepYearly;
        /** Keep at most N backups (oldest unprotected go first). */
        private Integer maxCount;
        /** Keep at most this much stored data, e.g. 200GB. */
        private DataSize maxSize;

        public Integer getKeepLast() {
            return keepLast;
        }

        public void setKeepLast(Integer keepLast) {
            this.keepLast = keepLast;
        }

        public Duration getKeepWithin() {
            return keepWithin;
        }

        public void setKeepWithin(Duration keepWithin) {
            this.keepWithin = keepWithin;
        }

        public Integer getKeepDaily() {
            return keepDaily;
        }

        public void setKeepDaily(Integer keepDaily) {
            this.keepDaily = keepDaily;
        }

        public Integer getKeepWeekly() {
            return keepWeekly;
        }

        public void setKeepWeekly(Integer keepWeekly) {
            this.keepWeekly = keepWeekly;
        }

        public Integer getKeepMonthly() {
            return keepMonthly;
        }

        public void setKeepMonthly(Integer keepMonthly) {
            this.keepMonthly = keepMonthly;
        }

        public Integer getKeepYearly() {
            return keepYearly;
        }

        public void setKeepYearly(Integer keepYearly) {
            this.keepYearly = keepYearly;
        }

        public Integer getMaxCount() {
            return maxCount;
        }

        public void setMaxCount(Integer maxCount) {
            this.maxCount = maxCount;
        }

        public DataSize getMaxSize() {
            return maxSize;
        }

        public void setMaxSize(DataSize maxSize) {
            this.maxSize = maxSize;
        }
    }

    /** When the backupkit health component reports a problem. */
    public static class Health {
        /** The newest successful backup must be younger than this, else the component is OUT_OF_DATE. */
        private Duration maxAge = Duration.ofHours(25);
        /** Storage use above this is a problem (empty = no limit). */
        private DataSize maxStoredSize;
        /** This many most recent backup runs all failed is a problem. */
        private int failedRunsInARow = 2;
        /**
         * Whether a problem makes the component DOWN (and so the application's aggregate health); by default it
         * reports OUT_OF_DATE, which leaves the application's status as it is.
         */
        private boolean affectsApp;

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }

        public DataSize getMaxStoredSize() {
            return maxStoredSize;
        }

        public void setMaxStoredSize(DataSize maxStoredSize) {
            this.maxStoredSize = maxStoredSize;
        }

        public int getFailedRunsInARow() {
            return failedRunsInARow;
        }

        public void setFailedRunsInARow(int failedRunsInARow) {
            this.failedRunsInARow = failedRunsInARow;
        }

        public boolean isAffectsApp() {
            return affectsApp;
        }

        public void setAffectsApp(boolean affectsApp) {
            this.affectsApp = affectsApp;
        }
    }

    /** The REST API and admin page. */
    public static class Web {
        /**
         * Whether the REST API and admin page are served. Default: on when Spring Security is present; without it they
         * are served only when this is true and allow-anonymous is true.
         */
        private Boolean enabled;
        /** Serve the API without Spring Security, to anyone who can reach it (a warning is logged). */
        private boolean allowAnonymous;
        /** The authority every request needs. */
        private String authority = "ROLE_BACKUP_ADMIN";
        /** Where the page is served; the API is under {base-path}/api. */
        private String basePath = "/backupkit";
        /** The largest backup file an upload accepts. */
        private DataSize maxUploadSize = DataSize.ofGigabytes(10);

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isAllowAnonymous() {
            return allowAnonymous;
        }

        public void setAllowAnonymous(boolean allowAnonymous) {
            this.allowAnonymous = allowAnonymous;
        }

        public String getAuthority() {
            return authority;
        }

        public void setAuthority(String authority) {
            this.authority = authority;
        }

        public String getBasePath() {
            return basePath;
        }

        public void setBasePath(String basePath) {
            this.basePath = basePath;
        }

        public DataSize getMaxUploadSize() {
            return maxUploadSize;
        }

        public void setMaxUploadSize(DataSize maxUploadSize) {
            this.maxUploadSize = maxUploadSize;
        }
    }
}
