package io.backupkit.spring.boot.web;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.net.URI;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every error of the API as an RFC 9457 problem ({@code application/problem+json}) whose {@code code} property is the
 * library's {@link ErrorCode} (request mistakes are {@code CONFIGURATION}: nothing was changed).
 */
@RestControllerAdvice(assignableTypes = {BackupsController.class, OperationsController.class})
public class ProblemResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

    /** The HTTP status a library error code maps to. */
    public static HttpStatus statusOf(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT, CANCELLED -> HttpStatus.CONFLICT;
            case CONFIGURATION -> HttpStatus.BAD_REQUEST;
            case INVALID_ARCHIVE, INTEGRITY, UNSUPPORTED -> HttpStatus.UNPROCESSABLE_CONTENT;
            case STORAGE -> HttpStatus.SERVICE_UNAVAILABLE;
            case NO_PROGRESS -> HttpStatus.GATEWAY_TIMEOUT;
            case DUMP, RESTORE -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, ErrorCode code, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("urn:backupkit:problem:" + code.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        p.setTitle(title(code));
        p.setProperty("code", code.name());
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    @ExceptionHandler(BackupException.class)
    public ResponseEntity<ProblemDetail> backup(BackupException e) {
        HttpStatus status = statusOf(e.code());
        if (status.is5xxServerError()) {
            LOG.warn("BackupKit request failed: {}", e.getMessage(), e);
        }
        return problem(status, e.code(), e.getMessage());
    }

    @ExceptionHandler({IllegalArgumentException.class, HttpMessageNotReadableException.class,
            MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    public ResponseEntity<ProblemDetail> badRequest(Exception e) {
        String detail = e instanceof HttpMessageNotReadableException
                ? "the request body is not valid JSON of the expected shape: " + rootMessage(e) : e.getMessage();
        return problem(HttpStatus.BAD_REQUEST, ErrorCode.CONFIGURATION, detail);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.CONFIGURATION, e.getMessage());
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }

    private static String title(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> "Not found";
            case INTEGRITY -> "Stored data is damaged";
            case STORAGE -> "Storage failed";
            case CONFIGURATION -> "Invalid request";
            case DUMP -> "Database backup failed";
            case RESTORE -> "Restore failed";
            case INVALID_ARCHIVE -> "Invalid backup file";
            case CONFLICT -> "Conflict";
            case CANCELLED -> "Cancelled";
            case UNSUPPORTED -> "Unsupported backup";
            case NO_PROGRESS -> "No progress";
        };
    }
}
