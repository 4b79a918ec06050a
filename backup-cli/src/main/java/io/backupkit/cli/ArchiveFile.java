package io.backupkit.cli;

import io.backupkit.api.BackupId;
import io.backupkit.api.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An export file used directly ({@code restore --file}, {@code verify --file}) without registering it: imported,
 * and so validated exactly as {@code import} validates it, into a private temporary storage that is deleted
 * afterwards. The storage the user configured is not touched.
 */
final class ArchiveFile implements AutoCloseable {
    final BaseCommand.Session session;
    final Manifest manifest;
    private final Path dir;

    private ArchiveFile(BaseCommand.Session session, Manifest manifest, Path dir) {
        this.session = session;
        this.manifest = manifest;
        this.dir = dir;
    }

    /** Checks that the file can be read, as import does. */
    static void requireReadable(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CliException.usage("cannot read " + file + ": "
                    + (Files.exists(file) ? "it is not a readable file" : "no such file") + "; check the path");
        }
    }

    static ArchiveFile open(BaseCommand command, Settings s, BaseCommand.Needs needs, Path file) {
        requireReadable(file);
        Path dir;
        try {
            dir = Files.createTempDirectory("backupkit-file-");   // 0700: only this user reads the copy
        } catch (IOException e) {
            throw CliException.usage("cannot create a temporary directory for " + file + ": " + e.getMessage()
                    + " (set java.io.tmpdir to a writable directory)");
        }
        BaseCommand.Session session = null;
        try {
            session = command.openOn("file:" + dir.resolve("storage"), s, needs);
            Manifest m = session.engine.importBackup(file);
            session.progress.clear();
            return new ArchiveFile(session, m, dir);
        } catch (RuntimeException e) {
            if (session != null) {
                session.close();
            }
            delete(dir);
            throw e;
        }
    }

    BackupId id() {
        return manifest.id();
    }

    /** Copies a backup (a restore's safety backup) from the temporary storage into {@code target}. */
    void copyTo(BaseCommand.Session target, BackupId id) {
        Path tar = dir.resolve(id.value() + ".tar");
        session.engine.exportBackup(id, tar);
        try {
            target.engine.importBackup(tar);
        } finally {
            try {
                Files.deleteIfExists(tar);
            } catch (IOException e) {
                // removed with the directory on close
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory; the OS cleans it up
        }
    }
}
