package io.backupkit.spring.boot.web;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupException;
import io.backupkit.api.Job;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.VerifyReport;
import io.backupkit.core.JsonShapes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The JSON of what only the REST API has (jobs, progress, pages, retention plans), built on the shared mapping
 * {@link JsonShapes} that the CLI's {@code --json} output uses too.
 */
public final class ApiShapes {
    private ApiShapes() {
    }

    /** A retention plan (dry run): what is kept and deleted, each with its reasons. */
    public static Map<String, Object> retention(RetentionPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keep", plan.keep().stream().map(ApiShapes::decision).toList());
        m.put("delete", plan.delete().stream().map(ApiShapes::decision).toList());
        m.put("bytesToFree", plan.bytesToFree());
        return m;
    }

    private static Map<String, Object> decision(RetentionPlan.Decision d) {
        Map<String, Object> m = JsonShapes.info(d.backup());
        m.put("reasons", d.reasons());
        return m;
    }

    /** A background job: state, latest progress, and once ended its result or error. */
    public static Map<String, Object> job(Job<?> job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("operation", job.operation().name());
        m.put("status", job.status().name());
        m.put("backupId", job.backupId().map(Object::toString).orElse(null));
        m.put("progress", job.progress().map(ApiShapes::progress).orElse(null));
        Object result = null;
        Map<String, Object> error = null;
        if (job.result().isDone()) {
            try {
                result = jobResult(job.result().join());
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                error = new LinkedHashMap<>();
                error.put("code", cause instanceof BackupException be ? be.code().name() : "CANCELLED");
                error.put("message", String.valueOf(cause.getMessage()));
            }
        }
        m.put("result", result);
        m.put("error", error);
        return m;
    }

    private static Object jobResult(Object value) {
        if (value instanceof io.backupkit.api.BackupResult r) {
            return JsonShapes.manifestSummary(r.manifest());
        }
        if (value instanceof RestoreResult r) {
            return JsonShapes.restore(r);
        }
        if (value instanceof VerifyReport r) {
            return JsonShapes.verify(r);
        }
        return null;
    }

    /** A progress report: bytes, rows, tables and files so far, rate and estimated time left. */
    public static Map<String, Object> progress(BackupEvent.Progress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", p.bytes());
        m.put("totalBytes", p.totalBytes().isPresent() ? p.totalBytes().getAsLong() : null);
        m.put("rows", p.rows());
        m.put("tables", p.tables());
        m.put("files", p.files());
        m.put("bytesPerSecond", Math.round(p.bytesPerSecond()));
        m.put("etaMs", p.eta().map(Duration::toMillis).orElse(null));
        m.put("at", JsonShapes.time(p.at()));
        return m;
    }

    /** A page of results with the total before paging. */
    public static Map<String, Object> page(List<?> items, int page, int size, long total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("page", page);
        m.put("size", size);
        m.put("total", total);
        return m;
    }

}
