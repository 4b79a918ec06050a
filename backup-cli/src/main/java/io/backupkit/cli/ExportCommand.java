package io.backupkit.cli;

import io.backupkit.api.BackupId;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export",
        description = {"Downloads a backup as one portable tar file (manifest first, then every object as stored).",
                "'import' accepts it; tar and zstd open it without BackupKit."},
        footer = {"  backupkit export 20260122T020000Z-full-7f3a ./backup.tar",
                "  backupkit export 20260122T020000Z-full-7f3a /mnt/offsite/app-2026-01-22.tar --force"})
final class ExportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = BackupRef.DESCRIPTION)
    BackupRef backup;

    @Parameters(index = "1", paramLabel = "FILE", description = "The tar file to write (written to FILE.part, then renamed).")
    Path file;

    @Option(names = {"-f", "--force"}, description = "Overwrite FILE if it exists.")
    boolean force;

    ExportCommand() {
        super(Trait.LONG_OPERATION);
    }

    @Override
    public Integer call() {
        Path target = file.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw CliException.usage(file + " is a directory: give the path of the tar file to write, e.g. "
                    + file.resolve(backup + ".tar"));
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw CliException.usage("cannot write " + file + ": the directory " + parent
                    + " does not exist or is not writable");
        }
        if (Files.exists(target) && !force) {
            throw new CliException(ExitCode.CONFLICT, file + " already exists: pass --force to overwrite it, or"
                    + " choose another file name");
        }
        try (Session session = open(settings(), Needs.STORAGE_ONLY)) {
            BackupId id = backup.resolve(session.engine);
            if (session.engine.find(id).isEmpty()) {
                throw ShowCommand.notFound(id);
            }
            session.engine.exportBackup(id, target);
            session.progress.clear();
            long size = target.toFile().length();
            if (out().json) {
                out().json(java.util.Map.of("id", id.value(), "file", target.toString(), "size", size));
            } else {
                out().info("exported " + id + " to " + target + " (" + Output.bytes(size) + ")");
            }
        }
        return ExitCode.OK;
    }
}
