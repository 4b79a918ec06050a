package io.backupkit.core;

import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupStats;
import io.backupkit.api.HealthReport;
import io.backupkit.api.Manifest;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RecoveryReport;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.UnfinishedRestore;
import io.backupkit.api.VerifyReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one JSON mapping of the library's values, shared by the CLI's {@code --json} output and the Spring Boot REST
 * API: plain maps and lists (any JSON library writes them), times as ISO-8601 UTC, sizes in bytes, durations in
 * milliseconds. Field names are part of both interfaces: change them only with a release note.
 */
public final class JsonShapes {
    private static final Pattern SECRET_IN_URL = Pattern.compile(
            "(?i)([?&;:](password|passwd|pwd|sslpassword|secret)=)[^&;]*|(//[^/@:]+:)[^/@]*@");

    private JsonShapes() {
    }

    /** A catalogue line, as {@code backupkit list --json}. */
    public static Map<String, Object> info(BackupInfo b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id().value());
        m.put("type", b.type().name());
        m.put("name", b.name());
        m.put("status", b.status().name());
        m.put("createdAt", time(b.createdAt()));
        m.put("finishedAt", time(b.finishedAt()));
        m.put("size", b.storedBytes());
        m.put("tables", b.tables());
        m.put("rows", b.rows());
        m.put("files", b.files());
        m.put("tags", b.tags().stream().sorted().toList());
        m.put("pinned", b.pinned());
        m.put("state", state(b.state()));
        return m;
    }

    /** A backup's completeness and integrity, as in {@code list --json} and {@code show --json}. */
    public static Map<String, Object> state(io.backupkit.api.BackupState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("completeness", s.completeness().name());
        m.put("lacks", s.lacks());
        m.put("partial", s.partial().isEmpty() ? null : s.partial());
        m.put("integrity", s.integrity().name());
        m.put("checkedAt", s.checkedAt().map(JsonShapes::time).orElse(null));
        m.put("checkedBy", s.checkedBy().isEmpty() ? null : s.checkedBy());
        m.put("problems", s.problems());
        m.put("restoreCount", s.restoreCount());
        m.put("lastRestoredAt", s.lastRestoredAt().map(JsonShapes::time).orElse(null));
        return m;
    }

    /** A catalogue line with the manifest's warnings, as {@code backupkit backup --json} and {@code import --json}. */
    public static Map<String, Object> manifestSummary(Manifest mf) {
        Map<String, Object> m = info(BackupInfo.of(mf));
        m.put("warnings", mf.warnings());
        return m;
    }

    /** The whole manifest, as {@code backupkit show --json}. */
    public static Map<String, Object> manifest(Manifest mf) {
        return manifest(mf, io.backupkit.api.BackupState.initial(mf, ""));
    }

    /** The whole manifest with the backup's state, as {@code backupkit show --json}. */
    public static Map<String, Object> manifest(Manifest mf, io.backupkit.api.BackupState state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", mf.format());
        m.put("id", mf.id().value());
        m.put("type", mf.type().name());
        m.put("name", mf.name());
        m.put("notes", mf.notes());
        m.put("tags", mf.tags().stream().sorted().toList());
        m.put("createdAt", time(mf.createdAt()));
        m.put("finishedAt", time(mf.finishedAt()));
        m.put("storedBytes", mf.storedBytes());
        m.put("contentBytes", mf.contentBytes());
        m.put("source", Map.of("hostname", mf.source().hostname(), "backupkitVersion", mf.source().backupkitVersion()));
        mf.database().ifPresent(d -> {
            Map<String, Object> db = new LinkedHashMap<>();
            db.put("dumper", d.dumper());
            db.put("product", d.product());
            db.put("url", maskUrl(d.url()));
            db.put("totalRows", d.totalRows());
            db.put("tables", d.tables().stream().map(t -> {
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("schema", t.schema());
                tm.put("name", t.name());
                tm.put("rows", t.rows());
                tm.put("objects", t.objects());
                return tm;
            }).toList());
            db.put("metadata", new TreeMap<>(d.metadata()));
            db.put("notCaptured", d.notCaptured());
            db.put("outsideBackup", d.outsideBackup());
            m.put("database", db);
        });
        mf.files().ifPresent(f -> {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("archive", f.archive());
            fm.put("index", f.index());
            fm.put("fileCount", f.fileCount());
            fm.put("totalBytes", f.totalBytes());
            fm.put("roots", f.roots().stream().map(r -> Map.<String, Object>of("name", r.name(),
                    "originalPath", r.originalPath(), "files", r.files(), "bytes", r.bytes())).toList());
            m.put("files", fm);
        });
        m.put("objects", mf.objects().stream().map(o -> {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("path", o.path());
            om.put("kind", o.kind().name());
            om.put("size", o.size());
            om.put("sha256", o.sha256());
            om.put("storedSize", o.storedSize());
            om.put("storedSha256", o.storedSha256());
            om.put("compression", o.compression().codec().name().toLowerCase(Locale.ROOT)
                    + (o.compression().level() > 0 ? "-" + o.compression().level() : ""));
            return om;
        }).toList());
        m.put("warnings", mf.warnings());
        m.put("state", state(state));
        return m;
    }

    /** As {@code backupkit verify --json}. */
    public static Map<String, Object> verify(VerifyReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.backupId().value());
        m.put("ok", r.ok());
        m.put("objects", r.objects().size());
        m.put("problems", r.problems().stream().map(p -> Map.of("path", p.path(), "status", p.status().name(),
                "detail", p.detail())).toList());
        m.put("durationMs", r.duration().toMillis());
        return m;
    }

    /** As {@code backupkit restore --json}: the change report of a restore or a validate-only dry run. */
    public static Map<String, Object> restore(RestoreResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.backupId().value());
        m.put("validateOnly", r.validateOnly());
        m.put("safetyBackup", r.safetyBackup().map(Object::toString).orElse(null));
        m.put("tables", r.tables().stream().map(t -> Map.of("table", t.table(), "rowsBefore", t.rowsBefore(),
                "rowsAfter", t.rowsAfter())).toList());
        m.put("files", r.files().stream().map(f -> {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("root", f.root());
            fm.put("target", f.target());
            fm.put("added", f.added());
            fm.put("replaced", f.replaced());
            fm.put("unchanged", f.unchanged());
            fm.put("removed", f.removed());
            fm.put("bytesWritten", f.bytesWritten());
            return fm;
        }).toList());
        m.put("durationMs", r.duration().toMillis());
        return m;
    }

    /** A restore whose process died before it finished, as {@code backupkit recover --list --json}. */
    public static Map<String, Object> unfinishedRestore(UnfinishedRestore u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operationId", u.operationId());
        m.put("backupId", u.backupId().value());
        m.put("startedAt", time(u.startedAt()));
        m.put("host", u.host());
        m.put("phase", u.phase());
        m.put("safetyBackup", u.safetyBackup().map(Object::toString).orElse(null));
        m.put("targets", u.targets());
        m.put("running", u.running());
        return m;
    }

    /** What recovery did with one unfinished restore, as {@code backupkit recover --json}. */
    public static Map<String, Object> recovered(RecoveryReport.Recovered r) {
        Map<String, Object> m = unfinishedRestore(r.restore());
        m.put("outcome", r.outcome().name());
        m.put("message", r.message());
        return m;
    }

    /** A history line, as {@code backupkit history --json}. */
    public static Map<String, Object> record(OperationRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("operation", r.operation().name());
        m.put("label", r.label());
        m.put("dryRun", r.dryRun());
        m.put("status", r.status().name());
        m.put("backupId", r.backupId().map(Object::toString).orElse(null));
        m.put("actor", r.actor());
        m.put("startedAt", time(r.startedAt()));
        m.put("finishedAt", r.finishedAt().map(JsonShapes::time).orElse(null));
        m.put("durationMs", r.duration().toMillis());
        m.put("target", r.target());
        m.put("options", new TreeMap<>(r.options()));
        m.put("error", r.error().orElse(null));
        m.put("safetyBackup", r.safetyBackup().map(Object::toString).orElse(null));
        m.put("host", r.host());
        return m;
    }

    /**
     * A job (a running or recent operation of the storage) as {@code backupkit jobs --json}: its history record plus
     * progress; {@code quiet} when it is running but has recorded no progress for longer than {@code quietAfter}.
     */
    public static Map<String, Object> job(io.backupkit.api.JobInfo j, Instant now, Duration quietAfter) {
        Map<String, Object> m = new LinkedHashMap<>(record(j.operation()));
        m.put("running", j.running());
        m.put("updatedAt", time(j.updatedAt()));
        m.put("quiet", j.running() && Duration.between(j.updatedAt(), now).compareTo(quietAfter) > 0);
        m.put("progress", j.progress().map(p -> {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("at", time(p.at()));
            pm.put("bytes", p.bytes());
            pm.put("totalBytes", p.totalBytes().isPresent() ? p.totalBytes().getAsLong() : null);
            pm.put("fractionDone", j.fractionDone().orElse(null));
            pm.put("rows", p.rows());
            pm.put("tables", p.tables());
            pm.put("files", p.files());
            pm.put("bytesPerSecond", Math.round(p.bytesPerSecond()));
            return (Object) pm;
        }).orElse(null));
        return m;
    }

    /** As {@code backupkit stats --json}. */
    public static Map<String, Object> stats(BackupStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("totalBackups", s.totalBackups());
        Map<String, Object> byType = new TreeMap<>();
        s.backupsByType().forEach((k, v) -> byType.put(k.name(), v));
        m.put("backupsByType", byType);
        Map<String, Object> byStatus = new TreeMap<>();
        s.backupRunsByStatus().forEach((k, v) -> byStatus.put(k.name(), v));
        m.put("backupRunsByStatus", byStatus);
        m.put("totalStoredBytes", s.totalStoredBytes());
        m.put("oldestBackup", s.oldestBackup().map(JsonShapes::time).orElse(null));
        m.put("newestBackup", s.newestBackup().map(JsonShapes::time).orElse(null));
        m.put("lastSuccess", s.lastSuccess().map(JsonShapes::record).orElse(null));
        m.put("lastFailure", s.lastFailure().map(JsonShapes::record).orElse(null));
        m.put("averageDurationMs", s.averageDuration().toMillis());
        m.put("lastDurationMs", s.lastDuration().map(Duration::toMillis).orElse(null));
        Map<String, Object> byIntegrity = new TreeMap<>();
        s.backupsByIntegrity().forEach((k, v) -> byIntegrity.put(k.name(), v));
        m.put("backupsByIntegrity", byIntegrity);
        m.put("incompleteBackups", s.incompleteBackups().stream().map(Object::toString).toList());
        return m;
    }

    /** As {@code backupkit health --json}. */
    public static Map<String, Object> health(HealthReport h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("healthy", h.healthy());
        m.put("checkedAt", time(h.checkedAt()));
        m.put("problems", h.problems().stream().map(p -> Map.of("kind", p.kind().name(), "message", p.message()))
                .toList());
        return m;
    }

    /** A JDBC URL with any password in it replaced by {@code ****}. */
    public static String maskUrl(String url) {
        return SECRET_IN_URL.matcher(url).replaceAll(m -> m.group(3) != null
                ? Matcher.quoteReplacement(m.group(3) + "****@")
                : Matcher.quoteReplacement(m.group(1) + "****"));
    }

    /** An instant as ISO-8601 UTC, or null. */
    public static String time(Instant i) {
        return i == null ? null : i.toString();
    }
}
