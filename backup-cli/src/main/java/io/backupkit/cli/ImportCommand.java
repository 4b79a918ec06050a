package io.backupkit.cli;

import io.backupkit.api.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Uploads a backup file made by 'export', validated before it is registered.",
                "Every object's size and SHA-256, the manifest and every path (as a restore checks them) are validated"
                        + " first; on any problem the storage is left as it was."},
        footerHeading = "%nExamples:%n",
        footer = {"  backupkit import ./backup.tar --storage file:./backups",
                "  backupkit import app-2026-01-22.tar --storage s3://my-bucket/app?region=eu-central-1"})
final class ImportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A tar file made by 'backupkit export'.")
    Path file;

    @Override
    boolean createsStorage() {
        return true;
    }

    @Override
    boolean longOperation() {
        return true;
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CliException.usage("cannot read " + file + ": "
                    + (Files.exists(file) ? "it is not a readable file" : "no such file") + "; check the path");
        }
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
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
