package io.backupkit.spring.boot.actuate;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupQuery;
import io.backupkit.core.JsonShapes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * Actuator endpoint {@code backups}: {@code /actuator/backups} lists the backups (newest first) with the latest one,
 * {@code /actuator/backups/latest} or {@code /actuator/backups/{id}} gives one. Guarded by the starter's security chain.
 */
@Endpoint(id = "backups")
public class BackupsEndpoint {
    private final BackupEngine engine;

    public BackupsEndpoint(BackupEngine engine) {
        this.engine = engine;
    }

    @ReadOperation
    public Map<String, Object> backups() {
        List<BackupInfo> all = engine.list();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", all.size());
        m.put("latest", all.isEmpty() ? null : JsonShapes.info(all.get(0)));
        m.put("backups", all.stream().map(JsonShapes::info).toList());
        return m;
    }

    @ReadOperation
    public Map<String, Object> backup(@Selector String id) {
        if ("latest".equals(id)) {
            return engine.list(BackupQuery.all().withLimit(1)).stream().findFirst().map(JsonShapes::info).orElse(null);
        }
        BackupId bid;
        try {
            bid = BackupId.of(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return engine.find(bid).map(BackupInfo::of).map(JsonShapes::info).orElse(null);
    }
}
