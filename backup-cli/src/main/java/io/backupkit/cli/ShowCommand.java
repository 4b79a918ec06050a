package io.backupkit.cli;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show",
        description = "Shows a backup's manifest: tables with row counts, files, objects with checksums, warnings.",
        footer = {"  backupkit show 20260122T020000Z-full-7f3a", "  backupkit show 20260122T020000Z-full-7f3a --json"})
final class ShowCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = BackupRef.DESCRIPTION)
    BackupRef backup;

    @Override
    public Integer call() {
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            BackupId id = backup.resolve(session.engine);
            Manifest m = session.engine.find(id).orElseThrow(() -> notFound(id));
            io.backupkit.api.BackupState state = session.engine.info(id).map(io.backupkit.api.BackupInfo::state)
                    .orElseGet(() -> io.backupkit.api.BackupState.initial(m, ""));
            if (out().json) {
                out().json(Json.manifest(m, state));
                return ExitCode.OK;
            }
            out().result("id:        " + m.id());
            out().result("type:      " + m.type().label());
            out().result("status:    " + ListCommand.status(state) + " — " + state.describe());
            if (!state.lacks().isEmpty()) {
                out().result("lacks:     " + String.join(", ", state.lacks()));
            }
            if (!m.name().isEmpty()) {
                out().result("name:      " + m.name());
            }
            if (!m.notes().isEmpty()) {
                out().result("notes:     " + m.notes());
            }
            if (!m.tags().isEmpty()) {
                out().result("tags:      " + String.join(", ", new java.util.TreeSet<>(m.tags())));
            }
            out().result("created:   " + Output.time(m.createdAt()) + " (took "
                    + Output.duration(java.time.Duration.between(m.createdAt(), m.finishedAt())) + ")");
            out().result("source:    " + m.source().hostname() + ", backupkit " + m.source().backupkitVersion());
            out().result("stored:    " + Output.bytes(m.storedBytes()) + " (" + Output.bytes(m.contentBytes())
                    + " uncompressed)");
            m.database().ifPresent(d -> {
                out().result("database:  " + d.product() + " via " + d.dumper() + ", " + Settings.maskUrl(d.url()));
                out().result("           " + d.tables().size() + " tables, " + Output.count(d.totalRows()) + " rows");
                d.tables().forEach(t -> out().result("             " + t.qualifiedName() + ": "
                        + Output.count(t.rows()) + " rows"));
            });
            m.files().ifPresent(f -> {
                out().result("files:     " + Output.count(f.fileCount()) + " files, " + Output.bytes(f.totalBytes()));
                f.roots().forEach(r -> out().result("             " + r.name() + " (from " + r.originalPath() + "): "
                        + Output.count(r.files()) + " files, " + Output.bytes(r.bytes())));
            });
            out().result("objects:");
            m.objects().forEach(o -> out().result("  " + o.path() + "  " + Output.bytes(o.storedSize()) + "  sha256 "
                    + o.sha256()));
            if (m.warnings().isEmpty()) {
                out().result("warnings:  none");
            } else {
                out().result("warnings:");
                m.warnings().forEach(w -> out().result("  - " + w));
            }
        }
        return ExitCode.OK;
    }

    static BackupNotFoundException notFound(BackupId id) {
        return new BackupNotFoundException("no backup with id " + id + " in this storage: see 'backupkit list' for the ids");
    }
}
