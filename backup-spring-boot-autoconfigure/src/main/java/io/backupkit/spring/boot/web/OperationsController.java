package io.backupkit.spring.boot.web;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CleanupResult;
import io.backupkit.api.ConflictException;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Job;
import io.backupkit.api.Operation;
import io.backupkit.api.RetentionPlan;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import io.backupkit.core.JsonShapes;
import io.backupkit.spring.boot.PropertySettings;
import jakarta.servlet.http.HttpServletRequest;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Jobs, history (JSON and CSV), stats, health and retention. */
@RestController
@RequestMapping(path = "${backupkit.web.base-path:/backupkit}/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class OperationsController {
    private final BackupEngine engine;
    private final PropertySettings settings;

    public OperationsController(BackupEngine engine, PropertySettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /** A background job's state and progress; its result or error once it ended. */
    @GetMapping("/jobs/{id}")
    public Map<String, Object> job(@PathVariable String id) {
        return ApiShapes.job(findJob(id));
    }

    /** Asks a running job to stop. */
    @DeleteMapping("/jobs/{id}")
    public Map<String, Object> cancel(@PathVariable String id) {
        Job<?> job = findJob(id);
        job.cancel();
        return ApiShapes.job(job);
    }

    @GetMapping("/history")
    public Map<String, Object> history(@RequestParam Optional<Operation> operation, @RequestParam Optional<BackupStatus> status,
                                       @RequestParam Optional<String> backupId, @RequestParam Optional<String> from,
                                       @RequestParam Optional<String> before, @RequestParam(defaultValue = "200") int limit) {
        HistoryQuery q = query(operation, status, backupId, from, before, limit);
        List<Map<String, Object>> items = engine.history(q).stream().map(JsonShapes::record).toList();
        return ApiShapes.page(items, 0, limit, items.size());
    }

    /** The history as CSV (RFC 4180), the same filters. */
    @GetMapping(path = "/history.csv", produces = "text/csv")
    public ResponseEntity<StreamingResponseBody> historyCsv(@RequestParam Optional<Operation> operation,
                                                            @RequestParam Optional<BackupStatus> status,
                                                            @RequestParam Optional<String> backupId,
                                                            @RequestParam Optional<String> from,
                                                            @RequestParam Optional<String> before,
                                                            @RequestParam(defaultValue = "0") int limit) {
        HistoryQuery q = query(operation, status, backupId, from, before, limit);
        StreamingResponseBody body = out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            engine.exportHistoryCsv(q, w);
            w.flush();
        };
        return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename("backupkit-history.csv")
                        .build().toString()).body(body);
    }

    @GetMapping("/stats")
    public Map<String, Object> stats() {
        return JsonShapes.stats(engine.stats());
    }

    @GetMapping("/health")
    public Map<String, Object> health() {
        return JsonShapes.health(engine.health());
    }

    /**
     * The retention dry run: what the rules (the body's, or {@code backupkit.retention.*}) keep and delete, and why.
     * Deletes nothing.
     */
    @PostMapping(path = "/retention/plan")
    public Map<String, Object> plan(@RequestBody(required = false) RetentionBody body) {
        return ApiShapes.retention(engine.planRetention(rules(body)));
    }

    /**
     * Applies retention. The body names the backups the dry run showed for deletion ({@code expectDelete}); if a new
     * plan differs (a backup was added, pinned or deleted since), nothing is deleted and the answer is a conflict.
     */
    @PostMapping(path = "/retention/apply", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> apply(@RequestBody RetentionBody body, HttpServletRequest request) {
        if (body == null || body.expectDelete() == null) {
            throw new IllegalArgumentException("expectDelete is required: the ids the dry run (POST retention/plan) listed"
                    + " for deletion, so that exactly those are deleted");
        }
        BackupEngine actor = Actors.engineFor(engine, request);
        RetentionPlan plan = actor.planRetention(rules(body));
        List<String> planned = plan.deleteIds().stream().map(BackupId::value).sorted().toList();
        List<String> expected = body.expectDelete().stream().sorted().toList();
        if (!planned.equals(expected)) {
            throw new ConflictException("the retention plan changed since the dry run: it now deletes " + planned
                    + ", the request expected " + expected + "; nothing was deleted, run the dry run again");
        }
        CleanupResult result = actor.applyRetention(plan);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deleted", result.backups());
        m.put("bytesFreed", result.bytesFreed());
        return m;
    }

    private RetentionRules rules(RetentionBody body) {
        if (body == null || !body.anyRule()) {
            return settings.retention().orElseThrow(() -> new IllegalArgumentException("no retention rules: send"
                    + " keepLast, keepWithin, keepDaily, keepWeekly, keepMonthly, keepYearly, maxCount or maxSize, or"
                    + " configure backupkit.retention.*"));
        }
        return RetentionRules.of(new RetentionPolicy(n(body.keepLast()), Optional.ofNullable(body.keepWithin())
                .filter(s -> !s.isBlank()).map(OperationsController::duration), n(body.keepDaily()), n(body.keepWeekly()),
                n(body.keepMonthly()), n(body.keepYearly()), n(body.maxCount()),
                body.maxSize() == null ? 0 : body.maxSize()));
    }

    private static int n(Integer v) {
        return v == null ? 0 : v;
    }

    /** 7d, 36h, 90m or ISO-8601 (P7D). */
    static Duration duration(String text) {
        String t = text.strip();
        try {
            if (t.matches("\\d+[dhm]")) {
                long v = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 'd' -> Duration.ofDays(v);
                    case 'h' -> Duration.ofHours(v);
                    default -> Duration.ofMinutes(v);
                };
            }
            return Duration.parse(t);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("keepWithin '" + text + "' is not a duration: use e.g. 7d, 36h, 90m or P7D", e);
        }
    }

    private static HistoryQuery query(Optional<Operation> operation, Optional<BackupStatus> status, Optional<String> backupId,
                                      Optional<String> from, Optional<String> before, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (all) or more, was " + limit);
        }
        return new HistoryQuery(operation, status, backupId.filter(s -> !s.isBlank()).map(BackupId::of),
                from.filter(s -> !s.isBlank()).map(v -> BackupsController.instant("from", v)),
                before.filter(s -> !s.isBlank()).map(v -> BackupsController.instant("before", v)), limit);
    }

    private Job<?> findJob(String id) {
        return engine.job(id).orElseThrow(() -> new BackupNotFoundException("no job " + id
                + " (jobs are kept while running and for a while after they ended)"));
    }

    /** Retention rules in a request; absent rules mean backupkit.retention.*. */
    public record RetentionBody(Integer keepLast, String keepWithin, Integer keepDaily, Integer keepWeekly,
                                Integer keepMonthly, Integer keepYearly, Integer maxCount, Long maxSize,
                                List<String> expectDelete) {
        boolean anyRule() {
            return keepLast != null || (keepWithin != null && !keepWithin.isBlank()) || keepDaily != null
                    || keepWeekly != null || keepMonthly != null || keepYearly != null || maxCount != null || maxSize != null;
        }
    }
}
