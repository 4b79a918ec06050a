package io.backupkit.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupEvent;
import io.backupkit.api.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** The {@code progress} member of a running operation's history record (docs/FORMAT.md, history). */
final class ProgressJson {
    private ProgressJson() {
    }

    static ObjectNode write(BackupEvent.Progress p) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("at", p.at().toString());
        n.put("bytes", p.bytes());
        p.totalBytes().ifPresent(t -> n.put("totalBytes", t));
        n.put("rows", p.rows());
        n.put("tables", p.tables());
        n.put("files", p.files());
        n.put("bytesPerSecond", Math.round(p.bytesPerSecond()));
        p.eta().ifPresent(e -> n.put("etaSeconds", e.toSeconds()));
        return n;
    }

    static BackupEvent.Progress read(JsonNode n, OperationRecord r) {
        return new BackupEvent.Progress(r.operation(), r.backupId(), Instant.parse(n.path("at").asText()),
                n.path("bytes").asLong(), n.has("totalBytes") ? OptionalLong.of(n.get("totalBytes").asLong())
                : OptionalLong.empty(), n.path("rows").asLong(), n.path("tables").asInt(), n.path("files").asLong(),
                n.path("bytesPerSecond").asDouble(), n.has("etaSeconds")
                ? Optional.of(Duration.ofSeconds(n.get("etaSeconds").asLong())) : Optional.empty());
    }
}
