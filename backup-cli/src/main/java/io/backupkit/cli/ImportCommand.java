package io.backupkit.cli;

import io.backupkit.api.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import",
        description = {"Uploads a backup file made by 'export', validated before it is registered.",
                "Every object's size and SHA-256, the manifest and every path (as a restore checks them) are validated"
                        + " first; on any problem the storage is left as it was."},
        footer = {"  backupkit import ./backup.tar --storage file:./backups",
                "  backupkit import app-2026-01-22.tar --storage s3://my-bucket/app?region=eu-central-1"})
final class ImportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A tar file made by 'backupkit export'.")
    Path file;

    @Option(names = "--max-size", paramLabel = "SIZE", description = "The largest file accepted (default 1TiB; e.g."
            + " 5GB = 5,000,000,000 bytes, 5GiB = 5 x 1024^3).")
    String maxSize;

    ImportCommand() {
        super(Trait.CREATES_STORAGE, Trait.LONG_OPERATION);
    }

    @Override
    void addFlags(Map<String, Object> f) {
        f.put("import.max-size --max-size", maxSize);
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CliException.usage("cannot read " + file + ": "
                    + (Files.exists(file) ? "it is not a readable file" : "no such file") + "; check the path");
        }
        Settings s = settings();
        long limit = s.size("import.max-size").orElseThrow();
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
        if (size > limit) {
            throw CliException.usage(file + " is " + Output.bytes(size) + " (" + size + " bytes), more than the import"
                    + " limit of " + s.get("import.max-size").orElse("") + " (" + limit + " bytes, import.max-size, "
                    + s.source("import.max-size") + "): nothing was imported; raise the limit with --max-size SIZE"
                    + " if the file is genuine");
        }
        try (Session session = open(s, Needs.STORAGE_ONLY)) {
            Manifest m = session.engine.importBackup(file);
            session.progress.clear();
            if (out().json) {
                out().json(Json.manifestSummary(m));
            } else {
                out().info("imported " + m.type().label() + " backup " + m.id() + " (" + Output.bytes(m.storedBytes())
                        + "), verified");
                out().result(m.id().value());
            }
        }
        return ExitCode.OK;
    }
}
