package io.backupkit.cli;

import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupStats;
import io.backupkit.api.HealthReport;
import io.backupkit.api.Manifest;
import io.backupkit.api.OperationRecord;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.VerifyReport;
import io.backupkit.core.JsonShapes;
import java.util.Map;

/**
 * The JSON shapes {@code --json} prints: the library's shared mapping {@link JsonShapes} (the Spring Boot REST API
 * uses the same one), so a script and an HTTP client see the same field names.
 */
final class Json {
    private Json() {
    }

    static Map<String, Object> info(BackupInfo b) {
        return JsonShapes.info(b);
    }

    static Map<String, Object> manifestSummary(Manifest mf) {
        return JsonShapes.manifestSummary(mf);
    }

    static Map<String, Object> manifest(Manifest mf, io.backupkit.api.BackupState state) {
        return JsonShapes.manifest(mf, state);
    }

    static Map<String, Object> verify(VerifyReport r) {
        return JsonShapes.verify(r);
    }

    static Map<String, Object> restore(RestoreResult r) {
        return JsonShapes.restore(r);
    }

    static Map<String, Object> record(OperationRecord r) {
        return JsonShapes.record(r);
    }

    static Map<String, Object> stats(BackupStats s) {
        return JsonShapes.stats(s);
    }

    static Map<String, Object> health(HealthReport h) {
        return JsonShapes.health(h);
    }
}
