package io.backupkit.spring.boot.web;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupPart;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.Job;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.TableSelection;
import io.backupkit.api.internal.LimitedInputStream;
import io.backupkit.core.JsonShapes;
import io.backupkit.spring.boot.PropertySettings;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The backups: list, create, show, download, upload, restore, verify, pin, delete. */
@RestController
@RequestMapping(path = "${backupkit.web.base-path:/backupkit}/api/backups", produces = MediaType.APPLICATION_JSON_VALUE)
public class BackupsController {
    /** Media type of a backup archive, as downloaded and uploaded. */
    public static final String TAR = "application/x-tar";
    private static final int MAX_PAGE_SIZE = 500;

    private final BackupEngine engine;
    private final PropertySettings settings;

    public BackupsController(BackupEngine engine, PropertySettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /** Backups newest first, filtered, one page at a time. */
    @GetMapping
    public Map<String, Object> list(@RequestParam Optional<BackupType> type, @RequestParam Optional<String> name,
                                    @RequestParam Optional<String> tag, @RequestParam Optional<String> from,
                                    @RequestParam Optional<String> before, @RequestParam(defaultValue = "0") int page,
                                    @RequestParam(defaultValue = "50") int size) {
        if (page < 0) {
            throw new IllegalArgumentException("page must be 0 or more, was " + page);
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_PAGE_SIZE + ", was " + size);
        }
        BackupQuery q = new BackupQuery(type, name.filter(s -> !s.isBlank()), tag.filter(s -> !s.isBlank()),
                from.map(v -> instant("from", v)), before.map(v -> instant("before", v)), 0);
        List<BackupInfo> all = engine.list(q);
        List<Map<String, Object>> items = all.stream().skip((long) page * size).limit(size).map(JsonShapes::info).toList();
        return ApiShapes.page(items, page, size, all.size());
    }

    /** Starts a backup; the answer is the job to poll. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> create(@RequestBody CreateBackupBody body, HttpServletRequest request) {
        if (body.type() == null) {
            throw new IllegalArgumentException("type is required: FULL, DATABASE or FILES");
        }
        BackupRequest.Builder b = BackupRequest.builder(body.type()).name(body.name()).notes(body.notes());
        if (body.tags() != null) {
            b.tag(body.tags().toArray(String[]::new));
        }
        Job<BackupResult> job = Actors.engineFor(engine, request).startBackup(b.build());
        return accepted(job, request);
    }

    /** The whole manifest. */
    @GetMapping("/{id}")
    public Map<String, Object> show(@PathVariable String id) {
        return JsonShapes.manifest(manifest(id));
    }

    /** Deletes a backup (pinned ones too: a pin protects only from retention). */
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id, HttpServletRequest request) {
        Actors.engineFor(engine, request).delete(backupId(id));
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/{id}/pin")
    public Map<String, Object> pin(@PathVariable String id, HttpServletRequest request) {
        BackupId bid = backupId(id);
        Actors.engineFor(engine, request).pin(bid);
        return JsonShapes.info(BackupInfo.of(manifest(id)).withPinned(true));
    }

    @DeleteMapping("/{id}/pin")
    public Map<String, Object> unpin(@PathVariable String id, HttpServletRequest request) {
        BackupId bid = backupId(id);
        manifest(id);
        Actors.engineFor(engine, request).unpin(bid);
        return JsonShapes.info(BackupInfo.of(manifest(id)).withPinned(false));
    }

    /** Re-reads every object and checks it against the manifest. */
    @PostMapping("/{id}/verify")
    public Map<String, Object> verify(@PathVariable String id, HttpServletRequest request) {
        return JsonShapes.verify(Actors.engineFor(engine, request).verify(backupId(id)));
    }

    /**
     * The backup as one portable tar ({@code part} absent), or its database or files part alone
     * ({@code part=database|files}), each importable.
     */
    @GetMapping(path = "/{id}/download", produces = {TAR, MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<StreamingResponseBody> download(@PathVariable String id, @RequestParam Optional<String> part,
                                                          HttpServletRequest request) {
        Manifest m = manifest(id);
        Optional<BackupPart> which = part.filter(p -> !p.isBlank()).map(BackupsController::part);
        which.ifPresent(p -> {
            if (p == BackupPart.DATABASE ? m.database().isEmpty() : m.files().isEmpty()) {
                throw new BackupNotFoundException("backup " + id + " (" + m.type() + ") has no "
                        + p.name().toLowerCase(Locale.ROOT) + " part");
            }
        });
        BackupEngine actor = Actors.engineFor(engine, request);
        String filename = id + which.map(p -> "-" + p.name().toLowerCase(Locale.ROOT)).orElse("") + ".tar";
        StreamingResponseBody body = out -> {
            if (which.isPresent()) {
                actor.exportPart(m.id(), which.get(), out);
            } else {
                actor.exportBackup(m.id(), out);
            }
        };
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(TAR))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
                .body(body);
    }

    /**
     * Registers a backup file (made by download or {@code backupkit export}) sent as the raw request body. It streams to
     * storage; everything is validated before the backup appears, and a refused upload leaves the storage as it was.
     */
    @PostMapping(path = "/upload", consumes = {MediaType.APPLICATION_OCTET_STREAM_VALUE, TAR})
    public ResponseEntity<?> upload(HttpServletRequest request) throws IOException {
        long max = settings.maxUploadBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            return tooLarge("the upload is " + declared + " bytes, more than backupkit.web.max-upload-size allows ("
                    + max + " bytes); nothing was registered");
        }
        Manifest m;
        // for a body without a declared length (chunked): the read past the limit fails the import
        LimitedInputStream in = new LimitedInputStream(request.getInputStream(), max);
        try (in) {
            m = Actors.engineFor(engine, request).importBackup(in);
        } catch (RuntimeException e) {
            if (in.exceeded()) {
                return tooLarge("the upload is more than backupkit.web.max-upload-size allows (" + max
                        + " bytes); nothing was registered");
            }
            throw e;
        }
        return ResponseEntity.created(URI.create(request.getRequestURI().replaceFirst("/upload$", "/") + m.id().value()))
                .body(JsonShapes.manifestSummary(m));
    }

    private static ResponseEntity<?> tooLarge(String detail) {
        return ProblemResponses.problem(HttpStatus.CONTENT_TOO_LARGE, ErrorCode.INVALID_ARCHIVE, detail);
    }

    /**
     * Restores a backup. {@code validateOnly: true} is the dry run: it validates everything and answers the change
     * report at once, touching nothing. Otherwise the restore runs as a job (after a safety backup, unless turned off).
     */
    @PostMapping(path = "/{id}/restore", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> restore(@PathVariable String id,
                                                       @RequestBody(required = false) RestoreBody body,
                                                       HttpServletRequest request) {
        RestoreBody b = body == null ? new RestoreBody(null, null, null, null, null, null, null, null, null) : body;
        RestoreRequest.Builder r = RestoreRequest.builder(manifest(id).id());
        boolean db = b.database() == null || b.database();
        boolean files = b.files() == null || b.files();
        if (!db && !files) {
            throw new IllegalArgumentException("nothing to restore: database and files are both false");
        }
        if (!db) {
            r.filesOnly();
        } else if (!files) {
            r.databaseOnly();
        }
        if (b.mode() != null) {
            r.mode(enumValue(RestoreMode.class, "mode", b.mode()));
        }
        if (b.tables() != null && !b.tables().isEmpty()) {
            r.tables(TableSelection.include(b.tables().toArray(String[]::new)));
        }
        if (b.filesMode() != null) {
            r.filesMode(enumValue(FileRestoreMode.class, "filesMode", b.filesMode()));
        }
        if (b.overwriteExisting() != null) {
            r.overwriteExisting(b.overwriteExisting());
        }
        if (b.filesTarget() != null && !b.filesTarget().isBlank()) {
            r.filesTarget(allowedFilesTarget(b.filesTarget()));
        }
        r.safetyBackup(b.safetyBackup() == null || b.safetyBackup());
        BackupEngine actor = Actors.engineFor(engine, request);
        if (Boolean.TRUE.equals(b.validateOnly())) {
            RestoreResult report = actor.restore(r.validateOnly(true).build());
            return ResponseEntity.ok(JsonShapes.restore(report));
        }
        return accepted(actor.startRestore(r.build()), request);
    }

    /** A restore target over the API must be a configured media root or a folder below one. */
    private Path allowedFilesTarget(String text) {
        Path target;
        try {
            target = Path.of(text).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("filesTarget '" + text + "' is not a valid path: " + e.getMessage(), e);
        }
        for (Path root : settings.fileRoots().values()) {
            Path r = root.toAbsolutePath().normalize();
            if (target.startsWith(r) && realPathStaysInside(target, r)) {
                return target;
            }
        }
        throw new IllegalArgumentException("filesTarget '" + text + "' is not one of the configured media roots "
                + settings.fileRoots().values() + " or a folder below one (backupkit.files.roots)");
    }

    /** Whether the deepest existing ancestor of target, links resolved, is still inside root. */
    private static boolean realPathStaysInside(Path target, Path root) {
        try {
            Path existing = target;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.exists(root)) {
                return true;
            }
            return existing.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private ResponseEntity<Map<String, Object>> accepted(Job<?> job, HttpServletRequest request) {
        String base = request.getContextPath() + settings.basePath() + "/api/jobs/";
        return ResponseEntity.accepted().location(URI.create(base + job.id())).body(ApiShapes.job(job));
    }

    private Manifest manifest(String id) {
        BackupId bid = backupId(id);
        return engine.find(bid).orElseThrow(() -> new BackupNotFoundException("no backup " + id));
    }

    static BackupId backupId(String id) {
        return BackupId.of(id);
    }

    private static BackupPart part(String text) {
        return enumValue(BackupPart.class, "part", text);
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, String field, String text) {
        try {
            return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()), e);
        }
    }

    static Instant instant(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not an ISO-8601 instant such as"
                    + " 2026-03-01T00:00:00Z", e);
        }
    }

    /** The body of a create request. */
    public record CreateBackupBody(BackupType type, String name, String notes, List<String> tags) {
    }

    /** The body of a restore request; every field is optional. */
    public record RestoreBody(Boolean database, Boolean files, String mode, List<String> tables, String filesMode,
                              Boolean overwriteExisting, String filesTarget, Boolean validateOnly, Boolean safetyBackup) {
    }
}
